# Reference values for surveystats weighting (tests/design/test_weighting_reference.py).
# R 4.2.2, survey 4.1.1.  Run from this folder:  Rscript weighting.R
# Data: apiclus1 (one-stage cluster sample of school districts, FPC) with population margins
# from apipop, both shipped with the survey package.
#
# Writes
#   apiclus1.csv             the respondent file (columns used by the tests; rows in R's order)
#   apipop_targets.csv       tidy targets (variable, level, target) from apipop; numeric totals
#                            have an empty level
#   weighting_weights.csv    the final weights of every weighted design, one column per design
#   weighting_estimates.csv  estimate and SE of a mean, a share and a total on every design
#   weighting_summary.csv    weight sum, min and max of every design
#
# Control settings (every iterative call states them; R's defaults are not used where they
# stop early):
#   rake(..., control = list(maxit = 100, epsilon = 1e-12))   epsilon < 1 is relative to the
#       weight sum, so iteration stops when no cell of the stype x sch.wide x comp.imp table
#       moves by more than 6.2e-9.  R's default (maxit = 10, epsilon = 1) stops with the stype E
#       total at 4420.62 instead of 4421 (design "rake_r_default", summary only).
#   calibrate(..., maxit = 100, epsilon = 1e-10)   misfit / (1 + |target|) below 1e-10 on every
#       total.  Unbounded linear calibration is the closed form (regcalibrate), no iteration.
#   trimWeights(...)   no iteration control (strict = TRUE repeats until inside).
suppressMessages(library(survey))
data(api)

d <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)

pop_stype <- table(stype = apipop$stype)            # E 4421, H 755, M 1018
pop_sw <- table(sch.wide = apipop$sch.wide)         # No 1072, Yes 5122
pop_ci <- table(comp.imp = apipop$comp.imp)         # No 1712, Yes 4482
pop_cells <- table(stype = apipop$stype, sch.wide = apipop$sch.wide)
api99_total <- sum(apipop$api99)

cal_totals <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, sch.wideYes = 5122,
                api99 = api99_total)
cal_formula <- ~stype + sch.wide + api99
margins <- list(~stype, ~sch.wide, ~comp.imp)
margin_pops <- list(pop_stype, pop_sw, pop_ci)

designs <- list()
designs$base <- d
designs$ps_stype <- postStratify(d, ~stype, pop_stype)
designs$ps_cells <- postStratify(d, ~stype + sch.wide, pop_cells)
designs$rake <- rake(d, margins, margin_pops, control = list(maxit = 100, epsilon = 1e-12))
designs$cal_linear <- calibrate(d, cal_formula, cal_totals)
designs$cal_linear_bounded <- calibrate(d, cal_formula, cal_totals, calfun = "linear",
                                        bounds = c(0.6, 1.8), maxit = 100, epsilon = 1e-10)
designs$cal_raking <- calibrate(d, cal_formula, cal_totals, calfun = "raking",
                                bounds = c(0.6, 1.8), maxit = 100, epsilon = 1e-10)
designs$cal_logit <- calibrate(d, cal_formula, cal_totals, calfun = "logit",
                               bounds = c(0.6, 1.8), maxit = 100, epsilon = 1e-10)
# bounds on the final weights (20 <= w <= 55): bounds.const = TRUE divides them by the weights
designs$cal_weight_bounds <- calibrate(d, cal_formula, cal_totals, calfun = "linear",
                                       bounds = c(20, 55), bounds.const = TRUE,
                                       maxit = 100, epsilon = 1e-10)
designs$trim_cal <- trimWeights(designs$cal_linear, lower = 20, upper = 50, strict = FALSE)
designs$trim_cal_strict <- trimWeights(designs$cal_linear, lower = 20, upper = 50, strict = TRUE)
designs$rake_trim <- trimWeights(designs$rake, upper = 40, strict = FALSE)
designs$rake_trim_strict <- trimWeights(designs$rake, upper = 40, strict = TRUE)

num <- function(x) sprintf("%.17g", x)

est <- NULL
for (name in names(designs)) {
  g <- designs[[name]]
  m <- svymean(~api00, g)
  s <- svymean(~awards, g)
  t <- svytotal(~enroll, g)
  est <- rbind(est, data.frame(
    design = name,
    statistic = c("mean_api00", "share_awards_Yes", "total_enroll"),
    estimate = num(c(coef(m), coef(s)["awardsYes"], coef(t))),
    se = num(c(SE(m), SE(s)["awardsYes"], SE(t)))))
}
write.csv(est, "weighting_estimates.csv", row.names = FALSE, quote = FALSE)

w <- as.data.frame(lapply(designs, function(g) num(weights(g))))
write.csv(w, "weighting_weights.csv", row.names = FALSE, quote = FALSE)

r_default <- rake(d, margins, margin_pops)    # R's default control, for the summary only
summ <- do.call(rbind, lapply(names(designs), function(name) {
  x <- weights(designs[[name]])
  data.frame(design = name, sum = num(sum(x)), min = num(min(x)), max = num(max(x)),
             stype_E = num(sum(x[apiclus1$stype == "E"])))
}))
x <- weights(r_default)
summ <- rbind(summ, data.frame(design = "rake_r_default", sum = num(sum(x)), min = num(min(x)),
                               max = num(max(x)), stype_E = num(sum(x[apiclus1$stype == "E"]))))
write.csv(summ, "weighting_summary.csv", row.names = FALSE, quote = FALSE)

cols <- c("cds", "dnum", "fpc", "pw", "stype", "sch.wide", "comp.imp", "awards", "api00",
          "api99", "enroll", "meals")
write.csv(apiclus1[, cols], "apiclus1.csv", row.names = FALSE)

targets <- rbind(
  data.frame(variable = "stype", level = names(pop_stype), target = as.vector(pop_stype)),
  data.frame(variable = "sch.wide", level = names(pop_sw), target = as.vector(pop_sw)),
  data.frame(variable = "comp.imp", level = names(pop_ci), target = as.vector(pop_ci)),
  data.frame(variable = "api99", level = "", target = api99_total))
write.csv(targets, "apipop_targets.csv", row.names = FALSE)
