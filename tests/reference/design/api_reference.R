# Reference values for surveystats.design from R's survey package (R 4.2.2, survey 4.1.1)
# on the California API samples it ships (apistrat, apiclus1).
# Run from this folder:  Rscript api_reference.R
# Writes the exported respondent files (api*.csv) and api_reference.csv.
source("reference_helpers.R")
options(survey.lonely.psu = "fail")
data(api)
keep <- c("cds", "stype", "dnum", "snum", "pw", "api00", "api99", "enroll", "meals",
          "sch.wide", "awards", "both", "acs.k3", "avg.ed")
write.csv(apistrat[, c(keep, "fpc")], "apistrat.csv", row.names = FALSE)
write.csv(apiclus1[, c(keep, "fpc")], "apiclus1.csv", row.names = FALSE)
write.csv(apiclus2[, c(keep, "fpc1", "fpc2")], "apiclus2.csv", row.names = FALSE)

designs <- list(
  strat = svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat),
  strat_nofpc = svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat),
  clus1 = svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1),
  clus1_nofpc = svydesign(id = ~dnum, weights = ~pw, data = apiclus1)
)

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
  contrasts(name, d, ~api00, "stype", "mean", "api00", "")
  contrasts(name, d, ~I(as.numeric(sch.wide == "Yes")), "stype", "proportion", "sch.wide", "Yes")
  chisq(name, d, "sch.wide", "stype")
  chisq(name, d, "awards", "both")
}

# svyby agrees with the subset used above (checked here, not exported twice)
b <- svyby(~api00, ~stype, designs$strat, svymean)
stopifnot(isTRUE(all.equal(unname(coef(b)["E"]),
  unname(coef(svymean(~api00, subset(designs$strat, stype == "E")))))))

write_rows("api_reference.csv")
