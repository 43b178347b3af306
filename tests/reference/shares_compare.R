# Reference values for surveystats.compare_shares and compare_leads (tests/test_shares.py).
# Run from the repository root:  Rscript tests/reference/shares_compare.R
# Writes tests/reference/shares_compare.csv (compare_leads: shares_leads.R).
#
# Each case is a synthetic respondent-level data set: x_a respondents chose answer a,
# x_b answer b, the rest something else.  The survey package estimates both shares
# (svymean of two indicators) and the difference b - a (svycontrast); its standard error
# is the design-based one for an equal-probability sample with replacement, which carries
# the factor n/(n - 1), i.e. equals the multinomial formula with deff = n/(n - 1).
# McNemar's test without continuity correction on the two answer counts is the score test
# of p_a = p_b.  Tango's (1998) score interval is found numerically: the restricted maximum
# likelihood share comes from uniroot on the score equation (not from Tango's closed-form
# quadratic used in Python), the bounds from uniroot on the score statistic.
suppressPackageStartupMessages(library(survey))
options(digits = 17)

respondents <- function(n, x_a, x_b) {
  answer <- c(rep("a", x_a), rep("b", x_b), rep("other", n - x_a - x_b))
  data.frame(ya = as.numeric(answer == "a"), yb = as.numeric(answer == "b"))
}

restricted_pa <- function(delta, x_a, x_b, n) {
  # maximize x_a log(t) + x_b log(t + delta) + x_o log(1 - 2t - delta) over t
  x_o <- n - x_a - x_b
  lo <- max(0, -delta)
  hi <- (1 - delta) / 2
  ratio <- function(x, y) if (x == 0) 0 else x / y
  score <- function(t) ratio(x_a, t) + ratio(x_b, t + delta) - 2 * ratio(x_o, 1 - 2 * t - delta)
  if (hi - lo <= 0) return(lo)
  s_lo <- score(lo + (hi - lo) * 1e-15)
  s_hi <- score(hi - (hi - lo) * 1e-15)
  if (!is.finite(s_lo) || is.nan(s_lo)) s_lo <- Inf
  if (s_lo <= 0) return(lo)
  if (!is.finite(s_hi) || is.nan(s_hi)) s_hi <- -Inf
  if (s_hi >= 0) return(hi)
  uniroot(score, c(lo + (hi - lo) * 1e-15, hi - (hi - lo) * 1e-15), tol = 1e-15,
          maxiter = 10000)$root
}
tango <- function(x_a, x_b, n, level) {
  z <- qnorm(1 - (1 - level) / 2)
  d <- (x_b - x_a) / n
  stat <- function(delta) {
    t <- restricted_pa(delta, x_a, x_b, n)
    (d - delta) / sqrt((2 * t + delta * (1 - delta)) / n)
  }
  low <- if (d <= -1) -1 else
    uniroot(function(s) stat(s) - z, c(-1 + 1e-12, d - 1e-12), tol = 1e-15, maxiter = 10000)$root
  high <- if (d >= 1) 1 else
    uniroot(function(s) stat(s) + z, c(d + 1e-12, 1 - 1e-12), tol = 1e-15, maxiter = 10000)$root
  c(low, high)
}

cases <- data.frame(
  n   = c(1000, 1000, 1200, 200, 50, 30, 500, 2000),
  x_a = c(311,  194,  576,  40,  3,  0,  250, 20),
  x_b = c(194,  311,  552,  60,  9,  4,  250, 1))
rows <- list()
for (i in seq_len(nrow(cases))) {
  n <- cases$n[i]; x_a <- cases$x_a[i]; x_b <- cases$x_b[i]
  design <- svydesign(ids = ~1, data = respondents(n, x_a, x_b), weights = rep(1, n))
  means <- svymean(~ya + yb, design)
  diff <- svycontrast(means, c(ya = -1, yb = 1))
  mc <- mcnemar.test(matrix(c(n - x_a - x_b, x_b, x_a, 0), 2), correct = FALSE)
  for (level in c(0.90, 0.95)) {
    ci <- tango(x_a, x_b, n, level)
    rows[[length(rows) + 1]] <- data.frame(
      n = n, x_a = x_a, x_b = x_b, level = level,
      svy_estimate = format(coef(diff)[[1]], digits = 17),
      svy_se = format(SE(diff)[[1]], digits = 17),
      mcnemar_statistic = format(unname(mc$statistic), digits = 17),
      mcnemar_pvalue = format(mc$p.value, digits = 17),
      tango_low = format(ci[1], digits = 17), tango_high = format(ci[2], digits = 17))
  }
}
write.csv(do.call(rbind, rows), "tests/reference/shares_compare.csv", row.names = FALSE)
