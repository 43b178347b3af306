# Reference values for surveystats.compare.compare_proportions (tests z-pooled, chi2-yates and
# the Wald / Wald-cc intervals).
# Run from the repository root:  Rscript tests/reference/compare_prop_test.R
# Writes tests/reference/compare_prop_test.csv, one row per R call
#   prop.test(c(x1, x2), c(n1, n2), correct = correct, alternative = alternative,
#             conf.level = conf_level)
# with columns x1, n1, x2, n2, correct, alternative, conf_level, statistic (X-squared),
# pvalue, low, high.  NOTE: R's interval is for x1/n1 - x2/n2 (first minus second) and its
# alternative refers to that difference; surveystats reports second minus first.
set.seed(20251123)
num <- function(v) vapply(v, function(e) format(e, digits = 17), "")
tables <- rbind(
  c(48, 80, 56, 70),      # Newcombe (1998) example (a), groups swapped
  c(3, 10, 9, 10), c(2, 7, 6, 7), c(0, 29, 5, 56),
  c(0, 20, 10, 10),       # one proportion 0, the other 1
  c(569, 1000, 487, 1000), c(487, 1000, 411, 1000), c(569, 1000, 411, 1000),
  c(50, 100, 50, 100),    # no difference at all
  c(50, 100, 51, 101),    # |difference| tiny: R shrinks the Yates correction
  c(1, 3, 2, 3), c(0, 5, 1, 5), c(4, 5, 5, 5), c(1, 1, 0, 1)
)
for (i in 1:25) {
  n1 <- sample(c(5:60, 200:3000), 1); n2 <- sample(c(5:60, 200:3000), 1)
  tables <- rbind(tables, c(rbinom(1, n1, runif(1)), n1, rbinom(1, n2, runif(1)), n2))
}
rows <- list()
for (i in seq_len(nrow(tables))) {
  t <- tables[i, ]
  for (correct in c(TRUE, FALSE)) for (alt in c("two.sided", "less", "greater"))
    for (level in c(0.9, 0.95, 0.99)) {
      r <- suppressWarnings(prop.test(c(t[1], t[3]), c(t[2], t[4]), correct = correct,
                                      alternative = alt, conf.level = level))
      rows[[length(rows) + 1]] <- data.frame(x1 = t[1], n1 = t[2], x2 = t[3], n2 = t[4],
        correct = correct, alternative = alt, conf_level = level,
        statistic = num(unname(r$statistic)), pvalue = num(r$p.value),
        low = num(r$conf.int[1]), high = num(r$conf.int[2]))
    }
}
out <- do.call(rbind, rows)
write.csv(out, "tests/reference/compare_prop_test.csv", row.names = FALSE)
