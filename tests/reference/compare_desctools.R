# Reference intervals for compare_proportions' 'hauck-anderson', 'haldane' and
# 'jeffreys-perks' methods, from R DescTools::BinomDiffCI (DescTools 0.99.59).
# DescTools is not packaged by Debian and needs many packages; this script loads just the two
# functions it needs (BinomDiffCI and its helper Recycle) from a copy of DescTools' sources:
#   DESCTOOLS_SRC=/path/to/DescTools Rscript tests/reference/compare_desctools.R
# Writes tests/reference/compare_desctools.csv with columns x1, n1, x2, n2, level, method,
# low, high.  DescTools reports p1 - p2; surveystats reports second minus first, p2 - p1, so
# each row calls BinomDiffCI(x2, n2, x1, n1, ...) to get the interval of p2 - p1 directly.
src <- Sys.getenv("DESCTOOLS_SRC")
load_function <- function(file, name) {
  exprs <- parse(file.path(src, "R", file))
  for (e in exprs) {
    if (is.call(e) && identical(e[[1]], as.name("<-")) && identical(e[[2]], as.name(name))) {
      eval(e, envir = globalenv()); return(invisible())
    }
  }
  stop("not found: ", name)
}
load_function("DescTools.r", "Recycle")
load_function("StatsAndCIs.r", "BinomDiffCI")
set.seed(20261202)
num <- function(v) format(v, digits = 17)
cases <- rbind(c(56, 70, 48, 80), c(9, 10, 3, 10), c(6, 7, 2, 7), c(5, 56, 0, 29),
               c(0, 10, 0, 20), c(10, 10, 10, 10), c(0, 10, 10, 10), c(487, 1000, 411, 1000),
               c(569, 1000, 487, 1000), c(1, 2, 1, 3))
for (i in 1:15) {
  n1 <- sample(2:400, 1); n2 <- sample(2:400, 1)
  cases <- rbind(cases, c(sample(0:n1, 1), n1, sample(0:n2, 1), n2))
}
rows <- list()
for (i in seq_len(nrow(cases))) for (level in c(0.9, 0.95, 0.99)) for (m in c("ha", "hal", "jp")) {
  t <- cases[i, ]
  r <- BinomDiffCI(t[3], t[4], t[1], t[2], conf.level = level, method = m)
  rows[[length(rows) + 1]] <- data.frame(x1 = t[1], n1 = t[2], x2 = t[3], n2 = t[4],
    level = level, method = c(ha = "hauck-anderson", hal = "haldane", jp = "jeffreys-perks")[[m]],
    low = num(r[1, "lwr.ci"]), high = num(r[1, "upr.ci"]))
}
write.csv(do.call(rbind, rows), "tests/reference/compare_desctools.csv", row.names = FALSE,
          quote = FALSE)
