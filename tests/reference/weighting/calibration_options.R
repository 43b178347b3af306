# Reference values for calibrate's force = and trim = (tests/design/test_calibration_options.py).
# R 4.2.2, survey 4.1.1.  Run from this folder:  Rscript calibration_options.R
# Data: apiclus1 and the apipop totals of weighting.R (stype, sch.wide, api99).
#
# force = TRUE: grake stops after maxit Newton iterations ("Failed to converge" warning) and
#   calibrate keeps those g-weights instead of stop("Calibration failed").  The bounds are too
#   tight to meet the totals and maxit is small, so the weights are R's iterate number maxit.
# trim = c(lo, hi): after a converged calibration (maxit = 100, epsilon = 1e-10), g-weights
#   outside are set to the bound and the trimmed weight is shared by the others in proportion to
#   their starting weights (one pass).
#
# Writes
#   calibration_options_weights.csv    final weights of every design, one column per design
#   calibration_options_estimates.csv  estimate and SE of a mean, a share and a total
suppressMessages(library(survey))
data(api)

d <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)
cal_totals <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, sch.wideYes = 5122,
                api99 = sum(apipop$api99))
f <- ~stype + sch.wide + api99

quiet <- function(expr) withCallingHandlers(expr, warning = function(w) {
  message("warning: ", conditionMessage(w)); invokeRestart("muffleWarning")
}, message = function(m) { message("message: ", conditionMessage(m)); invokeRestart("muffleMessage") })

designs <- list()
designs$force_linear <- quiet(calibrate(d, f, cal_totals, calfun = "linear",
                                        bounds = c(0.9, 1.1), maxit = 5, epsilon = 1e-10,
                                        force = TRUE))
designs$force_raking <- quiet(calibrate(d, f, cal_totals, calfun = "raking",
                                        bounds = c(0.85, 1.15), maxit = 4, epsilon = 1e-10,
                                        force = TRUE))
designs$trim_linear <- quiet(calibrate(d, f, cal_totals, calfun = "linear",
                                       bounds = c(0.6, 1.8), maxit = 100, epsilon = 1e-10,
                                       trim = c(0.8, 1.5)))
designs$trim_logit <- quiet(calibrate(d, f, cal_totals, calfun = "logit",
                                      bounds = c(0.6, 1.8), maxit = 100, epsilon = 1e-10,
                                      trim = c(0.7, 1.6)))
# without force the same call stops: "Calibration failed"
failed <- tryCatch(quiet(calibrate(d, f, cal_totals, calfun = "linear", bounds = c(0.9, 1.1),
                                   maxit = 5, epsilon = 1e-10)),
                   error = function(e) conditionMessage(e))
stopifnot(identical(failed, "Calibration failed"))

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
write.csv(est, "calibration_options_estimates.csv", row.names = FALSE, quote = FALSE)
w <- as.data.frame(lapply(designs, function(g) num(weights(g))))
write.csv(w, "calibration_options_weights.csv", row.names = FALSE, quote = FALSE)
