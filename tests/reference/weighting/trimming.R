# Reference values for strict trimming (tests/design/test_trimming_reference.py).
# R 4.2.2, survey 4.1.1.  Run from this folder:  Rscript trimming.R
#
# trimWeights(design, lower, upper, strict = TRUE) calls itself until no weight is outside the
# bounds; each call clips and shares the trimmed amount equally among the weights that were
# inside.  surveystats solves for the limit of those calls directly, so these cases include
# bounds close to the mean weight, where R needs many calls.  No iteration control exists
# (R stops when no weight is outside in double precision).  The number of calls R made is
# counted with a loop that repeats trimWeights.survey.design2's own arithmetic, and that loop's
# weights are checked to be identical to trimWeights' (so the count belongs to these weights).
# options(expressions = 5e5) lets the recursion go deeper than R's default 5000; a case where
# R still fails (stack overflow) is written with its error and no strict weights.  There the
# loop shows why: after some calls the shared-out amounts stop shrinking and cycle in the last
# bits of the weights (no weight is ever inside in double precision), so R never stops; the
# loop's weights after 10^5 calls (column r_loop) are that cycle, whose rounding drifts (the
# weight sum moves by about 1e-8).  Where every weight starts outside the bounds R clips them
# all and, with nobody inside to share with, changes the weight sum.
#
# Starting weights (all from data sets shipped with survey):
#   apistrat_pw    apistrat, svydesign(id = ~1, strata = ~stype, weights = ~pw): three values
#   apistrat_cal   the same design calibrated (linear, closed form) to stype and api99 totals
#                  of apipop
#   apiclus1_rake  apiclus1 raked to the apipop margins of stype, sch.wide, comp.imp
#                  (control = list(maxit = 100, epsilon = 1e-12), as weighting.R)
#   apiclus2_pw    apiclus2 two-stage cluster design weights (18.9 to 272.5)
#
# Writes
#   trimming_cases.csv    case, start, lower, upper, r_status ("ok" or R's error), r_calls
#   trimming_weights.csv  case, row, start weight, trimmed weight (strict = TRUE), the loop's
#                         weights (r_loop) and the one-pass result (strict = FALSE), 17
#                         significant digits
suppressMessages(library(survey))
data(api)
options(expressions = 5e5)

strat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat)
clus1 <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)
clus2 <- svydesign(id = ~dnum + snum, weights = ~pw, data = apiclus2, fpc = ~fpc1 + fpc2)
pop_api99 <- sum(apipop$api99)
starts <- list(
  apistrat_pw = strat,
  apistrat_cal = calibrate(strat, ~stype + api99,
                           c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018,
                             api99 = pop_api99)),
  apiclus1_rake = rake(clus1, list(~stype, ~sch.wide, ~comp.imp),
                       list(table(stype = apipop$stype), table(sch.wide = apipop$sch.wide),
                            table(comp.imp = apipop$comp.imp)),
                       control = list(maxit = 100, epsilon = 1e-12)),
  apiclus2_pw = clus2)

# lower, upper (Inf / -Inf: no bound); mean weights: apistrat 30.97, apiclus1 33.85,
# apiclus2 40.70
cases <- list(
  list("apistrat_pw", 20, 40), list("apistrat_pw", -Inf, 32), list("apistrat_pw", 25, Inf),
  list("apistrat_pw", 30, 31.5),
  list("apistrat_cal", 20, 40), list("apistrat_cal", 28, 33), list("apistrat_cal", -Inf, 31.5),
  list("apistrat_cal", 30.5, Inf),
  list("apiclus1_rake", 25, 45), list("apiclus1_rake", -Inf, 35), list("apiclus1_rake", 33, 36),
  list("apiclus2_pw", -Inf, 100), list("apiclus2_pw", -Inf, 50), list("apiclus2_pw", 25, 60),
  list("apiclus2_pw", 30, Inf), list("apiclus2_pw", 35, 45))

r_calls <- function(w, lower, upper) {
  # trimWeights.survey.design2's arithmetic, looped instead of recursive
  calls <- 1
  repeat {
    outside <- w < lower | w > upper
    if (!any(outside)) return(list(w = w, calls = calls))
    new <- pmax(lower, pmin(w, upper))
    new[!outside] <- new[!outside] + sum(w - new) / sum(!outside)
    w <- 1 / (1 / new)  # trimWeights stores design$prob = 1 / weights
    calls <- calls + 1
    if (calls > 1e5) return(list(w = w, calls = NA))  # a cycle in the last bits
  }
}

num <- function(x) sprintf("%.17g", x)
case_rows <- NULL
weight_rows <- NULL
for (cs in cases) {
  name <- paste(cs[[1]], cs[[2]], cs[[3]], sep = "_")
  g <- starts[[cs[[1]]]]
  w0 <- weights(g)
  loose <- weights(trimWeights(g, lower = cs[[2]], upper = cs[[3]], strict = FALSE))
  strict <- tryCatch(weights(trimWeights(g, lower = cs[[2]], upper = cs[[3]], strict = TRUE)),
                     error = function(e) conditionMessage(e))
  looped <- r_calls(w0, cs[[2]], cs[[3]])
  if (is.character(strict)) {
    status <- gsub("[,\n]", " ", strict)
    strict <- rep(NA_real_, length(w0))
  } else {
    status <- "ok"
    stopifnot(identical(unname(strict), unname(looped$w)))
  }
  case_rows <- rbind(case_rows, data.frame(case = name, start = cs[[1]], lower = cs[[2]],
                                           upper = cs[[3]], r_status = status,
                                           r_calls = looped$calls))
  weight_rows <- rbind(weight_rows, data.frame(case = name, row = seq_along(w0),
                                               start = num(w0), strict = num(strict),
                                               r_loop = num(looped$w),
                                               one_pass = num(loose)))
}
write.csv(case_rows, "trimming_cases.csv", row.names = FALSE, quote = FALSE)
write.csv(weight_rows, "trimming_weights.csv", row.names = FALSE, quote = FALSE)
