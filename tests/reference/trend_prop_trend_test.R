# Reference values for surveystats.trend.trend_test.
# Run from the repository root:  Rscript tests/reference/trend_prop_trend_test.R
# Writes tests/reference/trend_prop_trend_test.csv: one row per random set of waves with
#   x, n, scores    semicolon-separated per wave ("" scores = R's default seq_along(x))
#   statistic, pvalue               prop.trend.test(x, n, score)
#   slope                           coef(lm(x/n ~ score, weights = n/P/(1-P)))[2], the lm
#                                   inside prop.trend.test
#   homogeneity_statistic, _pvalue, _df   prop.test(x, n, correct = FALSE)
set.seed(20251103)
num <- function(v) format(v, digits = 17)
rows <- list()
add <- function(x, n, score = NULL) {
  s <- if (is.null(score)) seq_along(x) else score
  tt <- prop.trend.test(x, n, score = s)
  P <- sum(x) / sum(n)
  fit <- lm(freq ~ score, data = list(freq = x / n, score = s), weights = n / P / (1 - P))
  ht <- suppressWarnings(prop.test(x, n, correct = FALSE))
  rows[[length(rows) + 1]] <<- data.frame(
    k = length(x),
    x = paste(x, collapse = ";"), n = paste(n, collapse = ";"),
    scores = if (is.null(score)) "" else paste(num(score), collapse = ";"),
    statistic = num(unname(tt$statistic)), pvalue = num(tt$p.value),
    slope = num(unname(coef(fit)[2])),
    homogeneity_statistic = num(unname(ht$statistic)),
    homogeneity_pvalue = num(ht$p.value),
    homogeneity_df = num(unname(ht$parameter)))
}
# The Ukraine example: NATO concession "completely unacceptable" 2023-2025, n = 1000 each.
add(c(569, 487, 411), c(1000, 1000, 1000))
add(c(569, 487, 411), c(1000, 1000, 1000), score = c(2023, 2024, 2025))
# Random sets of 2 to 10 waves with random sample sizes and proportions.
for (i in 1:300) {
  k <- sample(2:10, 1)
  n <- sample(20:3000, k, replace = TRUE)
  base <- runif(1, 0.02, 0.98)
  pr <- pmin(pmax(base + cumsum(rnorm(k, 0, 0.04)), 0.001), 0.999)
  x <- rbinom(k, n, pr)
  if (sum(x) == 0 || sum(x) == sum(n)) next
  score <- if (i %% 3 == 0) sort(round(runif(k, -50, 50), 3)) else NULL
  if (!is.null(score) && length(unique(score)) < 2) score <- NULL
  add(x, n, score)
}
# Small samples and counts at the edges (0 and n in some waves).
add(c(0, 1, 3), c(5, 5, 5))
add(c(10, 10, 0, 7), c(10, 12, 9, 30))
add(c(1, 0), c(2, 3))
out <- do.call(rbind, rows)
write.csv(out, "tests/reference/trend_prop_trend_test.csv", row.names = FALSE)
