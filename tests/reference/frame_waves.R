# Reference values for surveystats.batch.frame.compare_waves and trend_by_question.
# Run from the repository root:  Rscript tests/reference/frame_waves.R
# Writes tests/reference/frame_waves.csv, one row per wave-to-wave comparison:
#   mode                  "consecutive" (each wave against the one before) or
#                         "baseline" (each wave against the question's first wave)
#   question, wave_from, wave_to, x_from, n_from, x_to, n_to   the table (p = x / n)
#   change                x_to/n_to - x_from/n_from
#   pvalue                prop.test(c(x_from, x_to), c(n_from, n_to), correct = FALSE)$p.value
#                         (the pooled z test squared)
#   holm_all, bh_all      p.adjust(pvalue, "holm" / "BH") over all comparisons of that mode
#   holm_question         p.adjust(pvalue, "holm") within each question
# and tests/reference/frame_trend.csv, one row per question:
#   question, statistic, pvalue   prop.trend.test(x, n) with R's default scores seq_along(x)
#   statistic_years, pvalue_years prop.trend.test(x, n, score = wave)
#   holm                  p.adjust(pvalue, "holm") over the questions
set.seed(20251122)
num <- function(v) vapply(v, function(e) format(e, digits = 17), "")
# The real poll: NATO concession "completely unacceptable", Info Sapiens for the New Europe
# Center, 1000 adults per wave.  The other questions are synthetic (random, for the test).
tab <- data.frame(question = "nato_concession_unacceptable", wave = c(2023, 2024, 2025),
                  x = c(569, 487, 411), n = c(1000, 1000, 1000))
for (q in 1:14) {
  k <- sample(2:6, 1)
  waves <- sort(sample(2010:2025, k))
  n <- sample(150:2500, k, replace = TRUE)
  pr <- pmin(pmax(runif(1, 0.05, 0.95) + cumsum(rnorm(k, 0, 0.05)), 0.01), 0.99)
  tab <- rbind(tab, data.frame(question = sprintf("synthetic_%02d", q), wave = waves,
                               x = rbinom(k, n, pr), n = n))
}
pairs <- list()
for (q in unique(tab$question)) {
  d <- tab[tab$question == q, ]
  for (i in 2:nrow(d)) {
    pairs[[length(pairs) + 1]] <- data.frame(mode = "consecutive", question = q,
      wave_from = d$wave[i - 1], wave_to = d$wave[i], x_from = d$x[i - 1], n_from = d$n[i - 1],
      x_to = d$x[i], n_to = d$n[i])
    pairs[[length(pairs) + 1]] <- data.frame(mode = "baseline", question = q,
      wave_from = d$wave[1], wave_to = d$wave[i], x_from = d$x[1], n_from = d$n[1],
      x_to = d$x[i], n_to = d$n[i])
  }
}
pairs <- do.call(rbind, pairs)
pairs$pvalue <- mapply(function(a, na, b, nb)
  prop.test(c(a, b), c(na, nb), correct = FALSE)$p.value,
  pairs$x_from, pairs$n_from, pairs$x_to, pairs$n_to)
pairs$change <- pairs$x_to / pairs$n_to - pairs$x_from / pairs$n_from
pairs$holm_all <- NA; pairs$bh_all <- NA; pairs$holm_question <- NA
for (m in c("consecutive", "baseline")) {
  s <- pairs$mode == m
  pairs$holm_all[s] <- p.adjust(pairs$pvalue[s], "holm")
  pairs$bh_all[s] <- p.adjust(pairs$pvalue[s], "BH")
  for (q in unique(pairs$question)) {
    sq <- s & pairs$question == q
    pairs$holm_question[sq] <- p.adjust(pairs$pvalue[sq], "holm")
  }
}
for (col in c("pvalue", "change", "holm_all", "bh_all", "holm_question")) pairs[[col]] <- num(pairs[[col]])
write.csv(pairs, "tests/reference/frame_waves.csv", row.names = FALSE)

trend <- do.call(rbind, lapply(unique(tab$question), function(q) {
  d <- tab[tab$question == q, ]
  t1 <- prop.trend.test(d$x, d$n)
  t2 <- prop.trend.test(d$x, d$n, score = d$wave)
  data.frame(question = q, statistic = unname(t1$statistic), pvalue = t1$p.value,
             statistic_years = unname(t2$statistic), pvalue_years = t2$p.value)
}))
trend$holm <- p.adjust(trend$pvalue, "holm")
for (col in c("statistic", "pvalue", "statistic_years", "pvalue_years", "holm")) trend[[col]] <- num(trend[[col]])
write.csv(trend, "tests/reference/frame_trend.csv", row.names = FALSE)
