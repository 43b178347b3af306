# Reference intervals for the transformed-scale and Bayesian methods of proportion_ci.
# Run from the repo root:  Rscript tests/reference/proportion_binom.R
# Needs the CRAN package binom (1.1-1.1 used here; installed from its source, as it is not
# packaged by Debian): R_LIBS=<dir with binom> Rscript tests/reference/proportion_binom.R
# Writes tests/reference/proportion_binom.csv with columns x, n, level, method, prior_a,
# prior_b, low, high, from
#   probit, cloglog       binom::binom.confint(x, n, conf.level, methods = "probit"/"cloglog")
#   loglog                1 - rev(binom.confint(n - x, n, conf.level, methods = "cloglog")):
#                         the mirror of binom's cloglog, as surveystats defines it
#   bayes                 binom::binom.bayes(x, n, conf.level, type = "central",
#                         prior.shape1 = a, prior.shape2 = b)
# (binom's logit method is already matched by proportion_ci.R's svyciprop/binom rows.)
suppressPackageStartupMessages(library(binom))
set.seed(20261201)
num <- function(v) format(v, digits = 17)
cases <- data.frame(x = c(0, 1, 0, 1, 2, 0, 1, 5, 10, 0, 1, 50, 99999, 100000, 3, 194, 311, 569, 7),
                    n = c(1, 1, 2, 2, 2, 10, 10, 10, 10, 100000, 100000, 100000, 100000, 100000,
                          40, 1000, 1000, 1000, 12))
n_rand <- c(sample(3:60, 8, replace = TRUE), sample(61:5000, 8, replace = TRUE))
cases <- rbind(cases, data.frame(x = sapply(n_rand, function(n) sample(0:n, 1)), n = n_rand))
rows <- list()
add <- function(x, n, level, method, a, b, low, high) {
  rows[[length(rows) + 1]] <<- data.frame(x = x, n = n, level = level, method = method,
    prior_a = a, prior_b = b, low = num(low), high = num(high))
}
for (i in seq_len(nrow(cases))) for (level in c(0.8, 0.95, 0.99)) {
  x <- cases$x[i]; n <- cases$n[i]
  for (m in c("probit", "cloglog")) {
    r <- binom.confint(x, n, conf.level = level, methods = m)
    add(x, n, level, m, NA, NA, r$lower, r$upper)
  }
  r <- binom.confint(n - x, n, conf.level = level, methods = "cloglog")
  add(x, n, level, "loglog", NA, NA, 1 - r$upper, 1 - r$lower)
  for (prior in list(c(0.5, 0.5), c(1, 1), c(2, 5))) {
    r <- binom.bayes(x, n, conf.level = level, type = "central",
                     prior.shape1 = prior[1], prior.shape2 = prior[2])
    add(x, n, level, "bayes", prior[1], prior[2], r$lower, r$upper)
  }
}
write.csv(do.call(rbind, rows), "tests/reference/proportion_binom.csv", row.names = FALSE,
          quote = FALSE)
