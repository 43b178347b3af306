# Reference intervals for compare_proportions' exact unconditional methods 'chan-zhang',
# 'agresti-min' and 'santner-snell', from R exact2x2::uncondExact2x2 (exact2x2 1.7.0,
# exactci 1.4-5, ssanv 1.1; built from the CRAN sources, not packaged by Debian):
#   R_LIBS=/path/to/Rlib Rscript tests/reference/compare_exact_unconditional.R SHARD NSHARDS OUT
# and the shards concatenated into tests/reference/compare_exact_unconditional.csv.
# exact2x2's parmtype = "difference" is p2 - p1, surveystats' sign (second minus first).
# Columns: x1, n1, x2, n2, level, alternative, method (R's method/tsmethod), nPgrid, nCIgrid,
# power2 (R's ucControl), low, high.
#   score/central  -> 'chan-zhang'     score/square -> 'agresti-min'
#   simple/central -> 'santner-snell' as shipped (ties of the raw difference compared in
#                     floating point, so tables tied in exact arithmetic can drop out)
#   simple-rounded/central -> the same statistic rounded to 10 digits (method = "user-fixed",
#                     the same fast algorithm): ties counted as at least as extreme
library(exact2x2)
args <- commandArgs(trailingOnly = TRUE)
shard <- as.integer(args[1]); nshards <- as.integer(args[2]); out <- args[3]
set.seed(20261202)
num <- function(v) format(v, digits = 17)
cases <- rbind(
  c(2, 7, 6, 13), c(0, 7, 13, 13), c(10, 35, 24, 61), c(4, 12, 9, 11), c(20, 60, 35, 60),
  c(0, 10, 0, 10), c(10, 10, 10, 10), c(0, 10, 10, 10), c(10, 10, 0, 10), c(0, 5, 0, 12),
  c(5, 5, 12, 12), c(0, 1, 1, 1), c(1, 1, 0, 1), c(0, 1, 0, 1), c(1, 2, 1, 3), c(3, 3, 0, 8),
  c(0, 20, 3, 20), c(1, 40, 0, 25), c(40, 40, 38, 40), c(7, 15, 7, 15), c(12, 30, 18, 30),
  c(0, 60, 1, 60), c(59, 60, 60, 60), c(3, 50, 9, 45), c(25, 50, 25, 50))
for (i in 1:100) {
  n1 <- sample(1:30, 1); n2 <- sample(1:30, 1)
  cases <- rbind(cases, c(sample(0:n1, 1), n1, sample(0:n2, 1), n2))
}
for (i in 1:45) {
  n1 <- sample(31:60, 1); n2 <- sample(20:60, 1)
  cases <- rbind(cases, c(sample(0:n1, 1), n1, sample(0:n2, 1), n2))
}
rounded <- function(X1, N1, X2, N2, delta0) round(X2 / N2 - X1 / N1, 10)
rows <- list()
for (k in seq_len(nrow(cases))) {
  if ((k - 1) %% nshards != shard) next
  x1 <- cases[k, 1]; n1 <- cases[k, 2]; x2 <- cases[k, 3]; n2 <- cases[k, 4]
  level <- c(0.95, 0.95, 0.9, 0.99)[(k %% 4) + 1]
  alt <- if (k %% 7 == 3) "greater" else if (k %% 7 == 5) "less" else "two.sided"
  emit <- function(label, ci, np, power2) {
    rows[[length(rows) + 1]] <<- data.frame(
      x1 = x1, n1 = n1, x2 = x2, n2 = n2, level = level, alternative = alt, method = label,
      nPgrid = np, nCIgrid = 500, power2 = power2, low = num(ci[1]), high = num(ci[2]))
  }
  run <- function(label, method, tsmethod, np = 100, power2 = 20, alternative = alt, ...) {
    ci <- uncondExact2x2(x1, n1, x2, n2, parmtype = "difference", method = method,
                         tsmethod = tsmethod, alternative = alternative, conf.int = TRUE,
                         conf.level = level, control = ucControl(nPgrid = np, power2 = power2),
                         ...)$conf.int
    emit(label, ci, np, power2)
  }
  run("score/central", "score", "central")
  if (alt == "two.sided") run("score/square", "score", "square")
  run("simple/central", "simple", "central", power2 = 24)
  run("simple-rounded/central", "user-fixed", "central", power2 = 24, Tfunc = rounded)
  # a finer nuisance grid on the small tables: R's p-value is then within ~1e-6 of the maximum
  if (n1 + n2 <= 14 && alt == "two.sided") run("score/central", "score", "central", np = 2000)
  message(k, " ", x1, "/", n1, " ", x2, "/", n2, " ", format(Sys.time()))
}
write.csv(do.call(rbind, rows), out, row.names = FALSE, quote = FALSE)
