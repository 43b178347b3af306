# Reference for BRR and Fay with R's tabulated Hadamard matrices (orders 28 and 36 and the
# orders doubled from them): tests/design/test_hadamard_brr.py.  R 4.2.2, survey 4.1.1.
# Run from this folder:  Rscript brr_orders.R
#
# Designs with two PSUs in every stratum built from apistrat (apistrat.csv, rows in R's
# order): the first 2k schools, each school a PSU, strata "s001", "s002", ... pairing rows
# (1, 2), (3, 4), ...; weights pw, no FPC.  k = 26, 27 use R's order-28 matrix, k = 34, 35 the
# order-36 matrix, k = 54 the order 56 = 28 doubled, k = 70 the order 72 = 36 doubled; k = 20
# (order 24, Paley) is a control.  as.svrepdesign(type = "BRR") and, for k = 34 and 54,
# type = "Fay" with fay.rho = 0.3.  A mean and a share are nonlinear, so their replicate SEs
# depend on which Hadamard matrix is used; the total's does not.
#
# Writes brr_orders.csv: k, type, replicates, statistic, estimate, se (17 significant digits).
suppressMessages(library(survey))
data(api)
num <- function(x) sprintf("%.17g", x)
out <- NULL
for (k in c(20, 26, 27, 34, 35, 54, 70)) {
  sub <- apistrat[seq_len(2 * k), ]
  sub$pair <- sprintf("s%03d", (seq_len(2 * k) + 1) %/% 2)
  d <- svydesign(id = ~snum, strata = ~pair, weights = ~pw, data = sub)
  reps <- list(brr = as.svrepdesign(d, type = "BRR"))
  if (k %in% c(34, 54)) reps$fay <- as.svrepdesign(d, type = "Fay", fay.rho = 0.3)
  for (type in names(reps)) {
    r <- reps[[type]]
    m <- svymean(~api00, r)
    s <- svymean(~sch.wide, r)
    t <- svytotal(~enroll, r)
    out <- rbind(out, data.frame(
      k = k, type = type, replicates = ncol(r$repweights$weights),
      statistic = c("mean_api00", "share_sch.wide_Yes", "total_enroll"),
      estimate = num(c(coef(m), coef(s)["sch.wideYes"], coef(t))),
      se = num(c(SE(m), SE(s)[match("sch.wideYes", names(coef(s)))], SE(t)))))
  }
}
write.csv(out, "brr_orders.csv", row.names = FALSE, quote = FALSE)
