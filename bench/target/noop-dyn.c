/* The dynamic exec target (--target dynamic): a no-op through ld.so and
 * libc start-up, the way most programs start. */
int main(void)
{
	return 0;
}
