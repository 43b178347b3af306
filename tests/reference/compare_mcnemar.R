# Reference values for surveystats.paired.mcnemar.
# Run from the repository root:  Rscript tests/reference/compare_mcnemar.R
# Writes tests/reference/compare_mcnemar.csv: a, b, c, d (a = yes in both waves, b = yes then
# no, c = no then yes, d = no in both) and statistic, pvalue of
#   mcnemar.test(matrix(c(a, c, b, d), 2), correct = correct)
set.seed(20251125)
num <- function(v) vapply(v, function(e) format(e, digits = 17), "")
tables <- rbind(c(794, 150, 86, 570), c(36, 12, 2, 0), c(18, 12, 2, 18), c(10, 5, 5, 10),
                c(10, 5, 6, 10), c(0, 1, 0, 0), c(0, 0, 3, 0), c(300, 61, 140, 499))
for (i in 1:20) tables <- rbind(tables, c(rpois(1, 300), rpois(1, runif(1, 1, 200)),
                                          rpois(1, runif(1, 1, 200)), rpois(1, 300)))
rows <- list()
for (i in seq_len(nrow(tables))) for (correct in c(TRUE, FALSE)) {
  t <- tables[i, ]
  r <- mcnemar.test(matrix(c(t[1], t[3], t[2], t[4]), 2), correct = correct)
  rows[[length(rows) + 1]] <- data.frame(a = t[1], b = t[2], c = t[3], d = t[4],
    correct = correct, statistic = num(unname(r$statistic)), pvalue = num(r$p.value))
}
write.csv(do.call(rbind, rows), "tests/reference/compare_mcnemar.csv", row.names = FALSE)

# Exact and mid-p McNemar tests (Fagerland, Lydersen & Laake 2013) on the discordant counts:
#   exact  binom.test(b, b + c, 0.5)$p.value (two-sided)
#   mid_p  2 * pbinom(k, b + c, 0.5) - dbinom(k, b + c, 0.5), k = min(b, c), capped at 1
# Written to tests/reference/compare_mcnemar_exact.csv (b + c > 0 only).
pairs <- unique(rbind(tables[, 2:3], cbind(0:12, 12:0), cbind(c(1, 0, 3, 40, 400), c(7, 5, 3, 55, 460))))
pairs <- pairs[rowSums(pairs) > 0, ]
exact <- data.frame(b = pairs[, 1], c = pairs[, 2])
exact$exact <- num(mapply(function(b, c) binom.test(b, b + c, 0.5)$p.value, exact$b, exact$c))
exact$mid_p <- num(mapply(function(b, c) {
  k <- min(b, c); min(1, 2 * pbinom(k, b + c, 0.5) - dbinom(k, b + c, 0.5))
}, exact$b, exact$c))
write.csv(exact, "tests/reference/compare_mcnemar_exact.csv", row.names = FALSE)
