# Reference values for surveystats.compare_leads (tests/test_shares.py).
# Run from the repository root:  Rscript tests/reference/shares_leads.R
# Writes tests/reference/shares_leads.csv.
#
# Each poll is a synthetic respondent-level data set: x_a respondents chose answer a, x_b
# answer b, the rest something else.
suppressPackageStartupMessages(library(survey))
options(digits = 17)

respondents <- function(n, x_a, x_b) {
  answer <- c(rep("a", x_a), rep("b", x_b), rep("other", n - x_a - x_b))
  data.frame(ya = as.numeric(answer == "a"), yb = as.numeric(answer == "b"))
}

# compare_leads: two independent polls as two strata of one design; svyby gives both polls'
# shares with their (zero) cross-poll covariance, svycontrast the change of the lead
# (a2 - b2) - (a1 - b1).  Each stratum carries the factor n_h/(n_h - 1) (deff_h).
leads <- data.frame(
  n1 = c(1000, 800, 1500), x_a1 = c(311, 400, 600), x_b1 = c(194, 380, 300),
  n2 = c(1000, 1200, 900), x_a2 = c(280, 540, 330), x_b2 = c(220, 590, 200))
rows <- list()
for (i in seq_len(nrow(leads))) {
  L <- leads[i, ]
  d1 <- respondents(L$n1, L$x_a1, L$x_b1); d1$poll <- 1
  d2 <- respondents(L$n2, L$x_a2, L$x_b2); d2$poll <- 2
  design <- svydesign(ids = ~1, strata = ~poll, data = rbind(d1, d2),
                      weights = rep(1, L$n1 + L$n2))
  by_poll <- svyby(~ya + yb, ~poll, design, svymean, covmat = TRUE)
  change <- svycontrast(by_poll, c(-1, 1, 1, -1))   # order: ya:1, ya:2, yb:1, yb:2
  rows[[length(rows) + 1]] <- data.frame(
    L, coef_names = paste(names(coef(by_poll)), collapse = " "),
    svy_estimate = format(coef(change)[[1]], digits = 17),
    svy_se = format(SE(change)[[1]], digits = 17))
}
write.csv(do.call(rbind, rows), "tests/reference/shares_leads.csv", row.names = FALSE)
