# Reference values for surveystats.multiple.adjust_pvalues.
# Run from the repository root:  Rscript tests/reference/multiple_p_adjust.R
# Writes tests/reference/multiple_p_adjust.csv in long form: one line per p-value with
#   case, row, col   which matrix, which family (row) and position; every row of a case's
#                    matrix is a separate family, adjusted by its own p.adjust call
#   p                the raw p-value (NA = missing)
#   bonferroni, holm, hochberg, bh, by, hommel   p.adjust(row, method = "bonferroni"/"holm"/
#                    "hochberg"/"BH"/"BY"/"hommel"); p.adjust drops NA and counts only the rest
#   sidak            1 - (1 - p)^m (Sidak 1967), written out here (no CRAN package on Debian)
#   holm_sidak       step-down Sidak (Holm 1979, section 5): cummax of 1 - (1 - p_(i))^(m - i + 1)
#   bh_adaptive      Storey's q-values with the finite-sample null proportion of Storey, Taylor &
#                    Siegmund (2004, eq. 6, lambda = 1/2): pi0 = min(1, (1 + #{p > 1/2}) / (m/2));
#                    q-values from Bioconductor qvalue::qvalue(p, pi0 = pi0, lfdr.out = FALSE)$qvalues
set.seed(20251104)
num <- function(v) ifelse(is.na(v), "NA", format(v, digits = 17))
suppressPackageStartupMessages(library(qvalue))
methods <- c(bonferroni = "bonferroni", holm = "holm", hochberg = "hochberg", bh = "BH", by = "BY",
             hommel = "hommel")
sidak <- function(p) { m <- sum(!is.na(p)); -expm1(m * log1p(-p)) }  # 1 - (1 - p)^m without cancellation
holm_sidak <- function(p) {
  out <- rep(NA_real_, length(p)); ok <- !is.na(p); q <- p[ok]; m <- length(q)
  if (m == 0) return(out)
  o <- order(q); adj <- cummax(-expm1((m - seq_len(m) + 1) * log1p(-q[o])))
  r <- numeric(m); r[o] <- pmin(adj, 1); out[ok] <- r; out
}
bh_adaptive <- function(p) {
  out <- rep(NA_real_, length(p)); ok <- !is.na(p); q <- p[ok]; m <- length(q)
  if (m == 0) return(out)
  pi0 <- min(1, (1 + sum(q > 0.5)) / (m * 0.5))
  out[ok] <- qvalue(q, pi0 = pi0, lfdr.out = FALSE)$qvalues; out
}
rows <- list()
add_case <- function(case, mat) {
  for (i in seq_len(nrow(mat))) {
    p <- mat[i, ]
    df <- data.frame(case = case, row = i - 1, col = seq_along(p) - 1, p = num(p))
    for (m in names(methods)) df[[m]] <- num(p.adjust(p, method = methods[[m]]))
    df$sidak <- num(sidak(p)); df$holm_sidak <- num(holm_sidak(p)); df$bh_adaptive <- num(bh_adaptive(p))
    rows[[length(rows) + 1]] <<- df
  }
}
draw <- function(k) {
  # a mix of signals (small p) and nulls (uniform), with some ties and some NA
  p <- ifelse(runif(k) < 0.3, rbeta(k, 0.2, 8), runif(k))
  if (k > 3 && runif(1) < 0.5) p[sample(k, 2)] <- p[1]            # ties
  if (k > 3 && runif(1) < 0.4) p[sample(k, sample(1:3, 1))] <- NA  # missing
  if (runif(1) < 0.2) p <- round(p, 2)                             # many ties
  p
}
case <- 0
# Single vectors of many lengths (1-D inputs).
for (k in c(1, 2, 3, 5, 10, 40, 200)) for (rep in 1:3) {
  add_case(case, matrix(draw(k), nrow = 1)); case <- case + 1
}
# 2-D: several families per matrix, adjusted row by row.
for (shape in list(c(4, 6), c(10, 3), c(3, 25), c(50, 8))) {
  mat <- t(sapply(seq_len(shape[1]), function(i) draw(shape[2])))
  if (shape[2] == 1) mat <- t(mat)
  add_case(case, mat); case <- case + 1
}
# Edge families: all missing but one, all equal, zeros and ones, all NA.
add_case(case, matrix(c(NA, 0.03, NA, NA), nrow = 1)); case <- case + 1
add_case(case, matrix(rep(0.02, 6), nrow = 1)); case <- case + 1
add_case(case, matrix(c(0, 1, 0, 0.5, 1e-300, 1), nrow = 1)); case <- case + 1
add_case(case, matrix(c(NA_real_, NA_real_, NA_real_), nrow = 1)); case <- case + 1
# The docstring example: three p-values from the Ukraine comparisons.
add_case(case, matrix(c(0.00018, 0.00054, 0.02), nrow = 1)); case <- case + 1
out <- do.call(rbind, rows)
write.csv(out, "tests/reference/multiple_p_adjust.csv", row.names = FALSE, quote = FALSE)
