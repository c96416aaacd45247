#ifndef SPAWNCOST_STUDENT_H
#define SPAWNCOST_STUDENT_H

/* The p quantile (0.5 < p < 1) of Student's t with df degrees of freedom
 * (t_quantile(0.975, 4) = 2.776); NaN for p outside that or df 0. */
double t_quantile(double p, unsigned df);

#endif
