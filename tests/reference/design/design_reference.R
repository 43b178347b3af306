# Reference values for surveystats.design from R's survey package (R 4.2.2, survey 4.1.1):
# a two-stage sample (apiclus2, FPC at both stages, weights implied), missing answers,
# lonely PSUs under each survey.lonely.psu option, and NHANES (data(nhanes): strata, PSUs
# nested in strata, 745 missing HI_CHOL).
# Run from this folder:  Rscript design_reference.R
# Writes nhanes.csv, apistrat_lonely.csv, apiclus2_lonely.csv, nhanes_lonely.csv and
# design_reference.csv.
source("reference_helpers.R")
options(survey.lonely.psu = "fail")
data(api)
data(nhanes)
write.csv(nhanes, "nhanes.csv", row.names = FALSE)

# -- two stages: districts, then schools ------------------------------------------------
clus2 <- list(
  clus2 = svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2),
  clus2_pw = svydesign(id = ~dnum + snum, weights = ~pw, data = apiclus2)
)
for (name in names(clus2)) {
  d <- clus2[[name]]
  for (variable in c("api00", "enroll")) mean_total(name, d, d, variable, "", "")
  proportion(name, d, d, "sch.wide", "Yes", "", "")
  for (lev in levels(d$variables$stype)) {
    dd <- d[d$variables$stype == lev, ]
    for (variable in c("api00", "enroll")) mean_total(name, d, dd, variable, "stype", lev)
    proportion(name, d, dd, "sch.wide", "Yes", "stype", lev)
  }
  contrasts(name, d, ~api00, "stype", "mean", "api00", "")
  chisq(name, d, "sch.wide", "stype")
}

# -- missing answers: avg.ed (26 missing in apiclus1), acs.k3 (103 in apistrat) ----------
clus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
mean_total("clus1", clus1, clus1, "avg.ed", "", "")
for (lev in levels(apiclus1$stype)) {
  mean_total("clus1", clus1, clus1[apiclus1$stype == lev, ], "avg.ed", "stype", lev)
}
strat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
mean_total("strat", strat, strat, "acs.k3", "", "")

# -- NHANES ------------------------------------------------------------------------------
nh <- svydesign(id = ~SDMVPSU, strata = ~SDMVSTRA, weights = ~WTMEC2YR, nest = TRUE,
                data = nhanes)
mean_total("nhanes", nh, nh, "HI_CHOL", "", "")
proportion("nhanes", nh, nh, "HI_CHOL", "1", "", "")
for (lev in sort(unique(nhanes$race))) {
  dd <- nh[nhanes$race == lev, ]
  mean_total("nhanes", nh, dd, "HI_CHOL", "race", lev)
  proportion("nhanes", nh, dd, "HI_CHOL", "1", "race", lev)
}
for (lev in levels(nhanes$agecat)) for (lev2 in sort(unique(nhanes$RIAGENDR))) {
  dd <- nh[nhanes$agecat == lev & nhanes$RIAGENDR == lev2, ]
  proportion("nhanes", nh, dd, "HI_CHOL", "1", "agecat+RIAGENDR", paste(lev, lev2, sep = "."))
}
contrasts("nhanes", nh[!is.na(nhanes$HI_CHOL), ], ~HI_CHOL, "race", "proportion", "HI_CHOL", "1",
          df = degf(nh))
chisq("nhanes", nh, "HI_CHOL", "race")
chisq("nhanes", nh, "agecat", "race")

# -- lonely PSUs: apistrat with its first school moved to a stratum of its own ("L") ------
lonely <- apistrat[, c("stype", "pw", "fpc", "api00", "enroll", "sch.wide")]
lonely$stratum <- as.character(lonely$stype)
lonely$stratum[1] <- "L"
write.csv(lonely, "apistrat_lonely.csv", row.names = FALSE)
for (option in c("remove", "certainty", "adjust", "average")) {
  options(survey.lonely.psu = option)
  for (fpc in c(TRUE, FALSE)) {
    name <- paste0("lonely_", option, if (fpc) "" else "_nofpc")
    d <- if (fpc) {
      svydesign(id = ~1, strata = ~stratum, weights = ~pw, fpc = ~fpc, data = lonely)
    } else {
      svydesign(id = ~1, strata = ~stratum, weights = ~pw, data = lonely)
    }
    for (variable in c("api00", "enroll")) mean_total(name, d, d, variable, "", "")
    proportion(name, d, d, "sch.wide", "Yes", "", "")
  }
}
options(survey.lonely.psu = "fail")

# -- lonely PSUs at the second stage: apiclus2 with the districts that had one school
# sampled given a population of 3 schools (fpc2 = 3 instead of 1), so they are lonely
clus2_lonely <- apiclus2[, c("dnum", "snum", "fpc1", "fpc2", "api00", "enroll", "stype")]
single <- clus2_lonely$dnum %in% names(which(table(clus2_lonely$dnum) == 1))
clus2_lonely$fpc2[single] <- 3
write.csv(clus2_lonely, "apiclus2_lonely.csv", row.names = FALSE)
for (option in c("remove", "certainty", "adjust", "average")) {
  options(survey.lonely.psu = option)
  name <- paste0("clus2_lonely_", option)
  d <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = clus2_lonely)
  mean_total(name, d, d, "api00", "", "")
}
options(survey.lonely.psu = "fail")

# -- lonely PSUs in NHANES: PSU 2 of stratum 83 dropped (one lonely stratum of 15), and only
# the PSUs numbered 1 kept (every stratum lonely: "average" has nothing to average, R gives
# NaN).  Domains: race, and the strata 84 to 89 (a domain that misses the lonely
# stratum, so under "average" R's factor, strata / strata with 2+ PSUs, counted among the
# strata the domain touches, is 1 there).
nh_lonely <- nhanes[!(nhanes$SDMVSTRA == 83 & nhanes$SDMVPSU == 2), ]
nh_lonely$upper <- ifelse(nh_lonely$SDMVSTRA >= 84, "upper", "lower")
write.csv(nh_lonely, "nhanes_lonely.csv", row.names = FALSE)
for (option in c("remove", "certainty", "adjust", "average")) {
  options(survey.lonely.psu = option)
  name <- paste0("nhanes_lonely_", option)
  d <- svydesign(id = ~SDMVPSU, strata = ~SDMVSTRA, weights = ~WTMEC2YR, nest = TRUE,
                 data = nh_lonely)
  for (variable in c("RIAGENDR", "HI_CHOL")) mean_total(name, d, d, variable, "", "")
  proportion(name, d, d, "HI_CHOL", "1", "", "")
  for (by in c("race", "upper")) for (lev in sort(unique(nh_lonely[[by]]))) {
    dd <- d[nh_lonely[[by]] == lev, ]
    for (variable in c("RIAGENDR", "HI_CHOL")) mean_total(name, d, dd, variable, by, lev)
    proportion(name, d, dd, "HI_CHOL", "1", by, lev)
  }
  d1 <- svydesign(id = ~SDMVPSU, strata = ~SDMVSTRA, weights = ~WTMEC2YR, nest = TRUE,
                  data = nh_lonely[nh_lonely$SDMVPSU == 1, ])
  mean_total(paste0("nhanes_single_", option), d1, d1, "RIAGENDR", "", "")
}
options(survey.lonely.psu = "fail")

write_rows("design_reference.csv")
