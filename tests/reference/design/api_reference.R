# Reference values for surveystats.design from R's survey package (R 4.2.2, survey 4.1.1)
# on the California API samples it ships (apistrat, apiclus1, apiclus2).
# Run from this folder:  Rscript api_reference.R
# Writes the exported respondent files (api*.csv) and api_reference.csv (long format:
# design, statistic, variable, level, by, domain, method, quantity, value).
suppressMessages(library(survey))
options(digits = 17, survey.lonely.psu = "fail")
data(api)
keep <- c("cds", "stype", "dnum", "snum", "pw", "api00", "api99", "enroll", "meals",
          "sch.wide", "awards", "both", "acs.k3", "avg.ed")
write.csv(apistrat[, c(keep, "fpc")], "apistrat.csv", row.names = FALSE)
write.csv(apiclus1[, c(keep, "fpc")], "apiclus1.csv", row.names = FALSE)
write.csv(apiclus2[, c(keep, "fpc1", "fpc2")], "apiclus2.csv", row.names = FALSE)

fmt <- function(x) format(x, digits = 17)
rows <- list()
add <- function(design, statistic, variable, level, by, domain, method, quantity, value) {
  rows[[length(rows) + 1]] <<- data.frame(design = design, statistic = statistic,
    variable = variable, level = level, by = by, domain = domain, method = method,
    quantity = quantity, value = fmt(as.numeric(value)), stringsAsFactors = FALSE)
}

designs <- list(
  strat = svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat),
  strat_nofpc = svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat),
  clus1 = svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1),
  clus1_nofpc = svydesign(id = ~dnum, weights = ~pw, data = apiclus1)
)
methods <- c("logit", "likelihood", "asin", "beta", "mean", "xlogit")

# One estimate (mean or total) of `variable` on design d (whole design or one domain,
# subset keeps the PSU counts of the whole design, as svyby does).
mean_total <- function(name, d, dd, variable, by, domain) {
  f <- as.formula(paste0("~", variable))
  df <- degf(d)
  add(name, "all", variable, "", by, domain, "", "df", df)
  for (statistic in c("mean", "total")) {
    est <- if (statistic == "mean") svymean else svytotal
    m <- est(f, dd, deff = "replace", na.rm = TRUE)
    m0 <- est(f, dd, deff = TRUE, na.rm = TRUE)
    ci <- confint(m, df = df, level = 0.95)
    add(name, statistic, variable, "", by, domain, "", "estimate", coef(m))
    add(name, statistic, variable, "", by, domain, "", "se", SE(m))
    add(name, statistic, variable, "", by, domain, "", "deff", deff(m))
    add(name, statistic, variable, "", by, domain, "", "deff_srswor", deff(m0))
    add(name, statistic, variable, "", by, domain, "", "low", ci[1])
    add(name, statistic, variable, "", by, domain, "", "high", ci[2])
    ci90 <- confint(m, df = df, level = 0.90)
    add(name, statistic, variable, "", by, domain, "", "low90", ci90[1])
    add(name, statistic, variable, "", by, domain, "", "high90", ci90[2])
  }
}

# svyciprop(method = "beta") takes the t ratio's df from degf() of the design it is given
# (for a domain: the domain's own PSUs minus strata), ignoring `df`.  surveystats uses the
# whole design's df throughout, so for domains the same Korn-Graubard formula is evaluated
# here with degf(d): svyciprop's own lines, with degf(design) replaced by df.
korn_graubard <- function(dd, level, df) {
  m <- svymean(~.y, dd)
  p <- coef(m)[1]
  alpha <- 1 - level
  n.eff <- p * (1 - p) / vcov(m)[1, 1] * (qt(alpha / 2, nrow(dd) - 1) / qt(alpha / 2, df))^2
  c(qbeta(alpha / 2, n.eff * p, n.eff * (1 - p) + 1), qbeta(1 - alpha / 2, n.eff * p + 1, n.eff * (1 - p)))
}

proportion <- function(name, d, dd, variable, level, by, domain) {
  dd <- update(dd, .y = as.numeric(get(variable) == level))
  df <- degf(d)
  m <- svymean(~.y, dd, deff = "replace")
  m0 <- svymean(~.y, dd, deff = TRUE)
  add(name, "proportion", variable, level, by, domain, "", "estimate", coef(m))
  add(name, "proportion", variable, level, by, domain, "", "se", SE(m))
  add(name, "proportion", variable, level, by, domain, "", "deff", deff(m))
  add(name, "proportion", variable, level, by, domain, "", "deff_srswor", deff(m0))
  for (method in methods) {
    for (cl in c(0.95, 0.90)) {
      # NA where R's own fit fails (the likelihood profile of a domain with p = 0 or 1)
      ci <- tryCatch(attr(svyciprop(~.y, dd, method = method, level = cl, df = df), "ci"),
                     error = function(e) c(NA, NA))
      if (method == "beta" && by != "") ci <- korn_graubard(dd, cl, df)
      suffix <- if (cl == 0.95) "" else "90"
      add(name, "proportion", variable, level, by, domain, method, paste0("low", suffix), ci[1])
      add(name, "proportion", variable, level, by, domain, method, paste0("high", suffix), ci[2])
    }
  }
}

for (name in names(designs)) {
  d <- designs[[name]]
  for (variable in c("api00", "enroll")) mean_total(name, d, d, variable, "", "")
  proportion(name, d, d, "sch.wide", "Yes", "", "")
  proportion(name, d, d, "awards", "No", "", "")
  for (lev in levels(d$variables$stype)) {
    dd <- d[d$variables$stype == lev, ]
    for (variable in c("api00", "enroll")) mean_total(name, d, dd, variable, "stype", lev)
    proportion(name, d, dd, "sch.wide", "Yes", "stype", lev)
  }
  # crossed domains stype x awards
  for (lev in levels(d$variables$stype)) for (lev2 in levels(d$variables$awards)) {
    sel <- d$variables$stype == lev & d$variables$awards == lev2
    if (!any(sel)) next
    dd <- d[sel, ]
    mean_total(name, d, dd, "api00", "stype+awards", paste(lev, lev2, sep = "."))
    proportion(name, d, dd, "sch.wide", "Yes", "stype+awards", paste(lev, lev2, sep = "."))
  }
}

# svyby agrees with the subset loop above (checked here, not exported twice)
b <- svyby(~api00, ~stype, designs$strat, svymean)
stopifnot(isTRUE(all.equal(unname(coef(b)["E"]), unname(coef(svymean(~api00, subset(designs$strat, stype == "E")))))))

out <- do.call(rbind, rows)
write.csv(out, "api_reference.csv", row.names = FALSE)
cat(nrow(out), "reference values written\n")
