# Reference values for the 'fisher' test of surveystats.compare.compare_proportions.
# Run from the repository root:  Rscript tests/reference/compare_fisher.R
# Writes tests/reference/compare_fisher.csv: x1, n1, x2, n2 and the p-values of
#   fisher.test(matrix(c(x1, x2, n1 - x1, n2 - x2), 2), alternative = a)
# for a = "two.sided", "less", "greater" (rows = groups, first column = successes, so R's
# odds ratio is odds(group 1) / odds(group 2): R's "less" means p1 < p2).
set.seed(20251124)
num <- function(v) vapply(v, function(e) format(e, digits = 17), "")
tables <- rbind(
  c(56, 70, 48, 80), c(9, 10, 3, 10), c(6, 7, 2, 7), c(5, 56, 0, 29),
  c(0, 10, 0, 20), c(0, 10, 0, 10), c(10, 10, 0, 20), c(10, 10, 0, 10),
  c(1, 1, 0, 1), c(0, 1, 0, 1), c(3, 6, 3, 6), c(2, 4, 3, 6), c(7, 34, 1, 34),
  c(569, 1000, 487, 1000), c(487, 1000, 411, 1000), c(20, 3000, 35, 2900),
  c(1500, 3000, 1450, 3000), c(0, 3000, 3, 3000), c(2999, 3000, 3000, 3000)
)
for (i in 1:60) {
  n1 <- sample(c(1:40, 100:3000), 1); n2 <- sample(c(1:40, 100:3000), 1)
  p <- runif(1)
  tables <- rbind(tables, c(rbinom(1, n1, p), n1, rbinom(1, n2, min(1, p * runif(1, 0.7, 1.3))), n2))
}
rows <- list()
for (i in seq_len(nrow(tables))) {
  t <- tables[i, ]
  m <- matrix(c(t[1], t[3], t[2] - t[1], t[4] - t[3]), 2)
  rows[[i]] <- data.frame(x1 = t[1], n1 = t[2], x2 = t[3], n2 = t[4],
    p_two_sided = num(fisher.test(m)$p.value),
    p_less = num(fisher.test(m, alternative = "less")$p.value),
    p_greater = num(fisher.test(m, alternative = "greater")$p.value))
}
write.csv(do.call(rbind, rows), "tests/reference/compare_fisher.csv", row.names = FALSE)
