# Reference intervals for one proportion, for tests/test_proportion.py.
# Run from the repo root:  Rscript tests/reference/proportion_ci.R
# Writes tests/reference/proportion_ci.csv with columns
#   x, n, level, alternative, method, low, high
# method: clopper-pearson (binom.test), wilson (prop.test, correct = FALSE),
#         wilson-cc (prop.test, correct = TRUE), jeffreys (qbeta, Brown-Cai-DasGupta 2001),
#         mid-p and likelihood (no base-R function: the defining equations solved here with
#         uniroot on the log-odds scale to 1e-14, from pbinom/dbinom and dbinom's log-likelihood;
#         an independent implementation, not a published routine).
# prop.test(correct = TRUE) shrinks its continuity correction to |x - n/2| when that is
# below 0.5 (its default null p = 0.5); Newcombe's Wilson-cc does not, so those rows are
# left out of the wilson-cc set.
set.seed(20251122)
cases <- data.frame(x = c(0, 1, 0, 1, 2, 0, 1, 2, 5, 10, 0, 1, 50, 99999, 100000,
                          0, 1, 81, 15, 0, 1, 194, 311, 569, 3, 7),
                    n = c(1, 1, 2, 2, 2, 10, 10, 10, 10, 10, 100000, 100000, 100000,
                          100000, 100000, 100, 100, 263, 148, 20, 29, 1000, 1000, 1000, 7, 12))
n_rand <- c(sample(3:60, 12, replace = TRUE), sample(61:5000, 12, replace = TRUE))
x_rand <- sapply(n_rand, function(n) sample(0:n, 1))
cases <- rbind(cases, data.frame(x = x_rand, n = n_rand))
levels <- c(0.8, 0.9, 0.95, 0.99)

jeffreys <- function(x, n, a_lo, a_hi) {
  low <- if (x == 0) 0 else qbeta(a_lo, x + 0.5, n - x + 0.5)
  high <- if (x == n) 1 else qbeta(1 - a_hi, x + 0.5, n - x + 0.5)
  c(low, high)
}

# Mid-p (Lancaster 1961; Newcombe 1998 method 6): lower bound solves
# P(X > x) + P(X = x)/2 = a_lo, upper bound P(X < x) + P(X = x)/2 = a_hi.
midp <- function(x, n, a_lo, a_hi) {
  tail_up <- function(th) { p <- plogis(th)
    pbinom(x, n, p, lower.tail = FALSE) + 0.5 * dbinom(x, n, p) }
  tail_dn <- function(th) { p <- plogis(th)
    pbinom(x - 1, n, p) + 0.5 * dbinom(x, n, p) }
  low <- if (x == 0) 0 else if (x == n) (2 * a_lo)^(1 / n) else
    plogis(uniroot(function(th) tail_up(th) - a_lo, c(-60, 60), tol = 1e-14,
                   maxiter = 10000)$root)
  high <- if (x == n) 1 else if (x == 0) 1 - (2 * a_hi)^(1 / n) else
    plogis(uniroot(function(th) tail_dn(th) - a_hi, c(-60, 60), tol = 1e-14,
                   maxiter = 10000)$root)
  c(low, high)
}
# Likelihood ratio (Newcombe 1998 method 7): {pi : 2 [l(x/n) - l(pi)] <= qnorm(1 - a)^2}.
lik <- function(x, n, a_lo, a_hi) {
  dev <- function(th) 2 * (dbinom(x, n, x / n, log = TRUE) - dbinom(x, n, plogis(th), log = TRUE))
  th_hat <- qlogis(x / n)
  low <- if (x == 0) 0 else if (x == n) exp(-qnorm(a_lo)^2 / (2 * n)) else
    plogis(suppressWarnings(uniroot(function(th) dev(th) - qnorm(a_lo)^2, c(th_hat - 60, th_hat),
                   tol = 1e-14, maxiter = 10000))$root)
  high <- if (x == n) 1 else if (x == 0) 1 - exp(-qnorm(a_hi)^2 / (2 * n)) else
    plogis(suppressWarnings(uniroot(function(th) dev(th) - qnorm(a_hi)^2, c(th_hat, th_hat + 60),
                   tol = 1e-14, maxiter = 10000))$root)
  c(low, high)
}

rows <- list()
add <- function(x, n, level, alt, method, ci) {
  rows[[length(rows) + 1]] <<- data.frame(x = x, n = n, level = level, alternative = alt,
                                          method = method, low = ci[1], high = ci[2])
}
for (i in seq_len(nrow(cases))) {
  x <- cases$x[i]; n <- cases$n[i]
  for (level in levels) {
    for (alt in c("two.sided", "less", "greater")) {
      alpha <- 1 - level
      a_lo <- if (alt == "two.sided") alpha / 2 else alpha
      add(x, n, level, alt, "clopper-pearson",
          binom.test(x, n, alternative = alt, conf.level = level)$conf.int)
      add(x, n, level, alt, "wilson",
          suppressWarnings(prop.test(x, n, alternative = alt, conf.level = level,
                                     correct = FALSE))$conf.int)
      if (abs(x - n / 2) > 0.5)
        add(x, n, level, alt, "wilson-cc",
            suppressWarnings(prop.test(x, n, alternative = alt, conf.level = level,
                                       correct = TRUE))$conf.int)
      ci <- jeffreys(x, n, a_lo, a_lo)
      if (alt == "less") ci[1] <- 0
      if (alt == "greater") ci[2] <- 1
      add(x, n, level, alt, "jeffreys", ci)
      for (m in c("mid-p", "likelihood")) {
        ci <- if (m == "mid-p") midp(x, n, a_lo, a_lo) else lik(x, n, a_lo, a_lo)
        if (alt == "less") ci[1] <- 0
        if (alt == "greater") ci[2] <- 1
        add(x, n, level, alt, m, ci)
      }
    }
  }
}
out <- do.call(rbind, rows)
out$x <- format(out$x, scientific = FALSE, trim = TRUE)
out$n <- format(out$n, scientific = FALSE, trim = TRUE)
out$alternative <- sub("two.sided", "two-sided", out$alternative)
out$low <- format(out$low, digits = 17, trim = TRUE)
out$high <- format(out$high, digits = 17, trim = TRUE)
write.csv(out, "tests/reference/proportion_ci.csv", row.names = FALSE, quote = FALSE)
