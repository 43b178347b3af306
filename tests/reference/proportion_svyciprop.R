# Design-effect handling of proportion_ci checked against R's survey package.
# Run from the repo root:  Rscript tests/reference/proportion_svyciprop.R
# Writes tests/reference/proportion_svyciprop.csv with columns
#   case, n, p, deff, level, method, low, high, crosses
# crosses = TRUE where svyciprop's interval leaves [0, 1] on its working scale (Wald below 0
# or above 1; arcsine angle below 0 or above pi/2, which sin()^2 folds back): R reports
# those raw, proportion_ci clips them to the nearest of 0 and 1.
# For a weighted one-stage design (svydesign(ids = ~1, weights = ~w)), svyciprop works
# from the weighted mean p = coef(svymean) and its variance v = vcov(svymean):
#   method = "beta": effective size n.eff = p (1 - p) / v, count n.eff * p, Clopper-Pearson
#     beta quantiles (its t-ratio factor is 1 here because degf(design) = nrow - 1);
#   method = "mean", "xlogit", "asin" with df = Inf: Wald on the p, log-odds and arcsine
#     scales with the design standard error and a normal quantile.
# The design effect of this estimate is deff = v / (p (1 - p) / n), so n / deff = n.eff:
# the same quantities as proportion_ci(p, n, deff = deff, method = "clopper-pearson",
# "wald", "logit", "arcsine").  (The svyciprop "logit" and "likelihood" methods use a
# quasibinomial svyglm with t quantiles on degf(design) df: not the same quantity.)
suppressMessages(library(survey))
set.seed(20251123)
rows <- list()
cases <- list(list(n = 40, prob = 0.3), list(n = 25, prob = 0.1), list(n = 120, prob = 0.55),
              list(n = 60, prob = 0.8), list(n = 300, prob = 0.194))
for (i in seq_along(cases)) {
  n <- cases[[i]]$n
  d <- data.frame(y = rbinom(n, 1, cases[[i]]$prob), w = runif(n, 0.3, 3))
  des <- svydesign(ids = ~1, weights = ~w, data = d)
  m <- svymean(~y, des)
  p <- as.numeric(coef(m)); v <- as.numeric(vcov(m))
  deff <- v / (p * (1 - p) / n)
  for (level in c(0.9, 0.95, 0.99)) {
    for (method in c("beta", "mean", "xlogit", "asin")) {
      df <- if (method == "beta") degf(des) else Inf
      ci <- as.numeric(attr(svyciprop(~y, des, method = method, level = level, df = df), "ci"))
      crosses <- FALSE
      if (method == "mean") crosses <- ci[1] < 0 || ci[2] > 1
      if (method == "asin") {
        names(m) <- "1"
        angle <- as.numeric(confint(svycontrast(m, quote(asin(sqrt(`1`)))), level = level))
        names(m) <- "y"
        crosses <- angle[1] < 0 || angle[2] > pi / 2
      }
      ours <- switch(method, beta = "clopper-pearson", mean = "wald", xlogit = "logit",
                     asin = "arcsine")
      rows[[length(rows) + 1]] <- data.frame(case = i, n = n, p = p, deff = deff,
                                             level = level, method = ours,
                                             low = ci[1], high = ci[2], crosses = crosses)
    }
  }
}
out <- do.call(rbind, rows)
for (col in c("p", "deff", "low", "high")) out[[col]] <- format(out[[col]], digits = 17, trim = TRUE)
write.csv(out, "tests/reference/proportion_svyciprop.csv", row.names = FALSE, quote = FALSE)
