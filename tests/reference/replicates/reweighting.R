# Reference values for re-weighted replicate designs (tests/design/test_replicate_weighting.py).
# R 4.2.2, survey 4.1.1.  Run from this folder:  Rscript reweighting.R
#
# Designs (data sets of the survey package):
#   clus1  apiclus1, svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc), as.svrepdesign JK1
#          (15 replicates, FPC carried into the scale)
#   strat  apistrat, svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc),
#          as.svrepdesign JKn (200 replicates)
# Each is weighted with apipop margins by R's methods for replicate designs, which re-weight
# the full-sample weights AND every replicate column with the same targets:
#   postStratify(rep, ...)                     one margin
#   rake(rep, ..., control = list(maxit = 100, epsilon = 1e-12))
#       epsilon < 1 is relative to the weight sum; R's default (maxit 10, epsilon 1) stops early
#   calibrate(rep, ..., compress = FALSE)       linear without bounds: R's regcalibrate (closed form)
#   calibrate(rep, ..., calfun = "linear" / "raking" / "logit", bounds = ..., maxit = 100,
#             epsilon = 1e-10)                  every replicate by grake, to |misfit|/(1+|t|) < 1e-10
#   trimming: R's trimWeights.svyrep.design (survey 4.1.1) is broken -- it leaves the
#       full-sample weights untrimmed (it sets design$prob, which svyrep designs do not use) and
#       adds a vector to a matrix of a different shape (R warns "longer object length is not a
#       multiple"), so it is NOT used.  The reference is what it means to do, made with R's own
#       trimWeights.survey.design2: the full-sample weights and the positive entries of every
#       replicate column trimmed separately (rows outside a replicate keep weight 0), then
#       svrepdesign(combined.weights = TRUE) with the design's scale, rscales and degf.
#
# Writes
#   apistrat_weighting.csv     apistrat columns used by the tests (rows in R's order);
#                              apiclus1 is tests/reference/weighting/apiclus1.csv
#   reweighting_estimates.csv  estimate and SE of a mean, a share, a total, the logit interval
#                              of the share (svyciprop) and domain means (svyby) per design
#   reweighting_summary.csv    full-sample weight sum / min / max, replicate weight column sums
#                              and range, degf per design
#   asrep_of_weighted.csv      as.svrepdesign() of an already calibrated / raked design: R keeps
#                              the final weights but not the weighting (documented difference)
suppressMessages(library(survey))
data(api)
options(survey.replicates.mse = FALSE)

pop_stype <- table(stype = apipop$stype)            # E 4421, H 755, M 1018
pop_sw <- table(sch.wide = apipop$sch.wide)         # No 1072, Yes 5122
pop_ci <- table(comp.imp = apipop$comp.imp)         # No 1712, Yes 4482
api99_total <- sum(apipop$api99)                    # 3914069

cal_formula <- ~stype + sch.wide + api99
cal_totals <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, sch.wideYes = 5122,
                api99 = api99_total)
cat_formula <- ~stype + sch.wide
cat_totals <- cal_totals[1:4]

trim_one <- function(w, lower, upper, strict) {
  g <- svydesign(ids = ~1, weights = ~w, data = data.frame(w = w))
  weights(trimWeights(g, lower = lower, upper = upper, strict = strict))
}
trim_rep <- function(rep, lower = -Inf, upper = Inf, strict = FALSE) {
  pw <- trim_one(weights(rep, "sampling"), lower, upper, strict)
  W <- weights(rep, "analysis")
  W <- apply(W, 2, function(col) {
    keep <- col > 0
    col[keep] <- trim_one(col[keep], lower, upper, strict)
    col
  })
  out <- svrepdesign(data = rep$variables, repweights = W, weights = pw, type = rep$type,
                     scale = rep$scale, rscales = rep$rscales, combined.weights = TRUE,
                     mse = FALSE)
  out$degf <- rep$degf  # trimWeights keeps the design's degf (svrepdesign would recompute it)
  out
}

weighted_designs <- function(r, ps_margin, ps_pop, margins, margin_pops, bounds) {
  ctl <- list(maxit = 100, epsilon = 1e-12)
  cal <- function(f, t, fun, b) calibrate(r, f, t, calfun = fun, bounds = b, maxit = 100,
                                          epsilon = 1e-10, compress = FALSE)
  out <- list()
  out$base <- r
  out$ps <- postStratify(r, ps_margin, ps_pop, compress = FALSE)
  out$rake <- rake(r, margins, margin_pops, control = ctl, compress = FALSE)
  out$cal_linear <- calibrate(r, cal_formula, cal_totals, compress = FALSE)
  out$cal_linear_bounded <- cal(cal_formula, cal_totals, "linear", bounds)
  out$cal_raking <- cal(cal_formula, cal_totals, "raking", bounds)
  out$cal_logit <- cal(cal_formula, cal_totals, "logit", bounds)
  out$cal_cat_logit <- cal(cat_formula, cat_totals, "logit", bounds)
  out$cal_cat_linear <- calibrate(r, cat_formula, cat_totals, compress = FALSE)
  out
}

d_clus1 <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)
r_clus1 <- as.svrepdesign(d_clus1, type = "JK1", compress = FALSE)
d_strat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc)
r_strat <- as.svrepdesign(d_strat, type = "JKn", compress = FALSE)

designs <- list()
cl <- weighted_designs(r_clus1, ~stype, pop_stype, list(~stype, ~sch.wide, ~comp.imp),
                       list(pop_stype, pop_sw, pop_ci), c(0.4, 2.5))
# trimming (see the header): the raked weights to at most 45 (at 40 two replicates cannot fit); the linear calibration to [20, 50]
cl$rake_trim <- trim_rep(cl$rake, upper = 45, strict = FALSE)
cl$rake_trim_strict <- trim_rep(cl$rake, upper = 45, strict = TRUE)
cl$cal_trim <- trim_rep(cl$cal_linear, lower = 20, upper = 50, strict = FALSE)
cl$cal_trim_strict <- trim_rep(cl$cal_linear, lower = 20, upper = 50, strict = TRUE)
st <- weighted_designs(r_strat, ~sch.wide, pop_sw, list(~sch.wide, ~comp.imp),
                       list(pop_sw, pop_ci), c(0.8, 1.1))
st$rake_trim <- trim_rep(st$rake, upper = 55, strict = FALSE)
st$rake_trim_strict <- trim_rep(st$rake, upper = 55, strict = TRUE)
for (n in names(cl)) designs[[paste0("clus1_", n)]] <- cl[[n]]
for (n in names(st)) designs[[paste0("strat_", n)]] <- st[[n]]

num <- function(x) sprintf("%.17g", x)
est <- NULL
summ <- NULL
for (name in names(designs)) {
  g <- designs[[name]]
  m <- svymean(~api00, g)
  s <- svymean(~awards, g)
  t <- svytotal(~enroll, g)
  ci <- svyciprop(~I(awards == "Yes"), g, method = "logit")
  by <- svyby(~api00, ~comp.imp, g, svymean)
  est <- rbind(est, data.frame(
    design = name,
    statistic = c("mean_api00", "share_awards_Yes", "total_enroll", "ciprop_logit_low",
                  "ciprop_logit_high", "by_comp.imp_No", "by_comp.imp_Yes"),
    estimate = num(c(coef(m), coef(s)["awardsYes"], coef(t), confint(ci)[1], confint(ci)[2],
                     coef(by))),
    se = num(c(SE(m), SE(s)["awardsYes"], SE(t), NA, NA, SE(by)))))
  w <- weights(g, "sampling")
  W <- weights(g, "analysis")
  summ <- rbind(summ, data.frame(
    design = name, weight_sum = num(sum(w)), weight_min = num(min(w)), weight_max = num(max(w)),
    rep_sum_min = num(min(colSums(W))), rep_sum_max = num(max(colSums(W))),
    rep_weight_max = num(max(W)), degf = degf(g)))
}
write.csv(est, "reweighting_estimates.csv", row.names = FALSE, quote = FALSE)
write.csv(summ, "reweighting_summary.csv", row.names = FALSE, quote = FALSE)
write.csv(apistrat[, c("snum", "stype", "sch.wide", "comp.imp", "awards", "api00", "api99",
                       "enroll", "pw", "fpc")], "apistrat_weighting.csv", row.names = FALSE)

# as.svrepdesign of an already weighted design: the replicates are the final weights times the
# jackknife factors, so the weighting is not credited (compare clus1_cal_linear, clus1_rake)
asrep <- NULL
for (name in c("cal_linear", "rake")) {
  w <- if (name == "cal_linear") calibrate(d_clus1, cal_formula, cal_totals) else
    rake(d_clus1, list(~stype, ~sch.wide, ~comp.imp), list(pop_stype, pop_sw, pop_ci),
         control = list(maxit = 100, epsilon = 1e-12))
  g <- as.svrepdesign(w, type = "JK1", compress = FALSE)
  m <- svymean(~api00, g)
  asrep <- rbind(asrep, data.frame(design = paste0("clus1_", name), estimate = num(coef(m)),
                                   se = num(SE(m))))
}
write.csv(asrep, "asrep_of_weighted.csv", row.names = FALSE, quote = FALSE)
