# Reference values for surveystats' replicate-weight designs (tests/design/test_replicate*.py).
# R 4.2.2, survey 4.1.1 (Debian r-cran-survey).  Run from this folder:  Rscript replicates.R
# Writes: apiclus1.csv, apistrat.csv (the data used),
#         replicate_results.csv (one row per statistic), *_repweights.csv (R's analysis
#         replicate weights, to be read back as user-supplied weights), design_info.csv.
suppressMessages(library(survey))
options(survey.replicates.mse = FALSE)   # R's default: centre on the mean of the replicates
data(api)
data(nhanes)

keep_api <- c("dnum", "snum", "stype", "sch.wide", "api00", "enroll", "pw", "fpc")
write.csv(apiclus1[, keep_api], "apiclus1.csv", row.names = FALSE)
write.csv(apistrat[, keep_api], "apistrat.csv", row.names = FALSE)
# NHANES as shipped has one stratum (86) with three PSUs; BRR needs two per stratum, so the
# reference drops PSU 3 of stratum 86 (210 rows) and keeps the 8,381 others; the data are
# written with R's BRR weights in nhanes_brr_repweights.csv (columns brr01..brr16).
nh <- subset(nhanes, SDMVPSU != 3)

rows <- list()
add <- function(case, statistic, est, se, df, low = NA, high = NA, domain = "") {
  rows[[length(rows) + 1]] <<- data.frame(case = case, statistic = statistic, domain = domain,
    estimate = unname(est), se = unname(se), df = df, low = unname(low), high = unname(high))
}
info <- list()
add_info <- function(case, r) {
  info[[length(info) + 1]] <<- data.frame(case = case, type = r$type, replicates = ncol(weights(r, "analysis")),
    scale = r$scale, degf = degf(r), rscales_first = r$rscales[1], rscales_sum = sum(r$rscales))
}

api_stats <- function(case, r) {
  df <- degf(r)
  m <- svymean(~api00, r); add(case, "mean_api00", coef(m), SE(m), df, confint(m, df = df)[1], confint(m, df = df)[2])
  t <- svytotal(~enroll, r); add(case, "total_enroll", coef(t), SE(t), df, confint(t, df = df)[1], confint(t, df = df)[2])
  for (meth in c("logit", "asin", "beta", "mean", "xlogit")) {
    p <- svyciprop(~I(sch.wide == "Yes"), r, method = meth)
    ci <- attr(p, "ci")
    add(case, paste0("prop_sch.wide_", meth), as.numeric(p), sqrt(attr(p, "var")), df, ci[1], ci[2])
  }
  b <- svyby(~api00, ~stype, r, svymean)
  for (i in seq_len(nrow(b))) add(case, "mean_api00_by_stype", coef(b)[i], unname(SE(b))[i], df, domain = names(coef(b))[i])
  bp <- svyby(~as.numeric(sch.wide == "Yes"), ~stype, r, svymean)
  for (i in seq_len(nrow(bp))) add(case, "prop_sch.wide_by_stype", coef(bp)[i], unname(SE(bp))[i], df, domain = names(coef(bp))[i])
  # domain difference H - E (second minus first in surveystats' order E, H, M)
  bc <- svyby(~api00, ~stype, r, svymean, covmat = TRUE)
  ct <- svycontrast(bc, c(E = -1, H = 1, M = 0))
  add(case, "diff_api00_H_minus_E", coef(ct), SE(ct), df)
  ch <- svychisq(~sch.wide + stype, r, statistic = "F")
  add(case, "chisq_F", ch$statistic, NA, df, domain = paste(ch$parameter, collapse = " "))
  add(case, "chisq_F_pvalue", ch$p.value, NA, df)
  ch2 <- svychisq(~sch.wide + stype, r, statistic = "Chisq")
  add(case, "chisq_Chisq", ch2$statistic, NA, df, domain = paste(ch2$parameter, collapse = " "))
  add(case, "chisq_Chisq_pvalue", ch2$p.value, NA, df)
}

# 1. JK1 with the first-stage FPC on apiclus1 (one-stage cluster sample of 15 districts).
d1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
r1 <- as.svrepdesign(d1, type = "JK1")
api_stats("apiclus1_jk1", r1); add_info("apiclus1_jk1", r1)
# JK1 without the FPC, and with mse = TRUE
d1n <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1)
r1n <- as.svrepdesign(d1n, type = "JK1")
api_stats("apiclus1_jk1_nofpc", r1n); add_info("apiclus1_jk1_nofpc", r1n)
r1m <- as.svrepdesign(d1, type = "JK1", mse = TRUE)
api_stats("apiclus1_jk1_mse", r1m); add_info("apiclus1_jk1_mse", r1m)

# 2. JKn on apistrat (stratified by school type, FPC per stratum).
d2 <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
r2 <- as.svrepdesign(d2, type = "JKn")
api_stats("apistrat_jkn", r2); add_info("apistrat_jkn", r2)
w2 <- weights(r2, "analysis"); colnames(w2) <- sprintf("repw%03d", seq_len(ncol(w2)))
write.csv(cbind(apistrat[, keep_api], w2), "apistrat_jkn_repweights.csv", row.names = FALSE)
write.csv(data.frame(rscales = r2$rscales), "apistrat_jkn_rscales.csv", row.names = FALSE)
# user-supplied JKn weights read back in R (the same numbers as r2, checked by the tests)
r2u <- svrepdesign(data = cbind(apistrat[, keep_api], w2), weights = ~pw, repweights = "repw[0-9]+",
                   type = "JKn", scale = 1, rscales = r2$rscales, combined.weights = TRUE)
api_stats("apistrat_jkn_user", r2u); add_info("apistrat_jkn_user", r2u)

# 3. BRR and Fay (rho = 0.3) on NHANES with two PSUs in every stratum.
d3 <- svydesign(id = ~SDMVPSU, strata = ~SDMVSTRA, weights = ~WTMEC2YR, nest = TRUE, data = nh)
nh_stats <- function(case, r) {
  df <- degf(r)
  m <- svymean(~HI_CHOL, r, na.rm = TRUE); add(case, "mean_HI_CHOL", coef(m), SE(m), df)
  t <- svytotal(~HI_CHOL, r, na.rm = TRUE); add(case, "total_HI_CHOL", coef(t), SE(t), df)
  b <- svyby(~HI_CHOL, ~race, r, svymean, na.rm = TRUE)
  for (i in seq_len(nrow(b))) add(case, "mean_HI_CHOL_by_race", coef(b)[i], unname(SE(b))[i], df, domain = names(coef(b))[i])
  ma <- svymean(~RIAGENDR, r); add(case, "mean_RIAGENDR", coef(ma), SE(ma), df)
}
r3 <- as.svrepdesign(d3, type = "BRR")
nh_stats("nhanes_brr", r3); add_info("nhanes_brr", r3)
r4 <- as.svrepdesign(d3, type = "Fay", fay.rho = 0.3)
nh_stats("nhanes_fay", r4); add_info("nhanes_fay", r4)
w3 <- weights(r3, "analysis"); colnames(w3) <- sprintf("brr%02d", seq_len(ncol(w3)))
write.csv(cbind(nh, w3), "nhanes_brr_repweights.csv", row.names = FALSE)
# JKn on the same NHANES subset, for a second JKn check with missing answers
r5 <- as.svrepdesign(d3, type = "JKn")
nh_stats("nhanes_jkn", r5); add_info("nhanes_jkn", r5)

# 4. Rao-Wu bootstrap replicates (R's "subbootstrap": n_h - 1 PSUs drawn in each stratum),
#    exported and read back as user-supplied bootstrap weights.
set.seed(20261201)
r6 <- as.svrepdesign(d2, type = "subbootstrap", replicates = 50)
w6 <- weights(r6, "analysis"); colnames(w6) <- sprintf("bw%02d", seq_len(ncol(w6)))
boot_data <- cbind(apistrat[, keep_api], w6)
write.csv(boot_data, "apistrat_boot_repweights.csv", row.names = FALSE)
r6u <- svrepdesign(data = boot_data, weights = ~pw, repweights = "bw[0-9]+", type = "bootstrap",
                   combined.weights = TRUE)
api_stats("apistrat_boot_user", r6u); add_info("apistrat_boot_user", r6u)
r6m <- svrepdesign(data = boot_data, weights = ~pw, repweights = "bw[0-9]+", type = "bootstrap",
                   combined.weights = TRUE, mse = TRUE)
api_stats("apistrat_boot_user_mse", r6m); add_info("apistrat_boot_user_mse", r6m)

# 5. Successive-difference weights as the ACS ships them: svrepdesign(type = "successive-difference")
#    gives scale 4 / R and rscales 1.  The BRR columns above are read as if they were SDR weights to
#    check the scale R applies.
r7 <- svrepdesign(data = cbind(nh, w3), weights = ~WTMEC2YR, repweights = "brr[0-9]+",
                  type = "successive-difference", combined.weights = TRUE)
nh_stats("nhanes_sdr_user", r7); add_info("nhanes_sdr_user", r7)

out <- do.call(rbind, rows)
write.csv(out, "replicate_results.csv", row.names = FALSE)
write.csv(do.call(rbind, info), "design_info.csv", row.names = FALSE)
