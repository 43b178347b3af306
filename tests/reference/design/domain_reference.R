# Reference values for domain estimates of surveystats.design, taken literally from R's
# svyby (R 4.2.2, survey 4.1.1): svyby(~I(y == level), ~by, design, svyciprop, method = m,
# vartype = "ci") for every svyciprop method, and degf() of each domain's subset
# design[in_domain, ] (the df svyciprop uses inside svyby).  Domains: 6 to 16 per design
# on apiclus1 (clusters), apistrat (strata, no clusters) and nhanes (strata, nested PSUs).
# The variables have no missing values, so no convention about missing answers enters.
# apiclus1 by dnum: every domain is one district (one PSU), so degf = 0 and R's interval is
# NaN (qt(0.975, 0) is NaN).
# Run from this folder:  Rscript domain_reference.R   (reads apiclus1.csv, apistrat.csv and
# nhanes.csv written by api_reference.R and design_reference.R; writes domain_reference.csv)
source("reference_helpers.R")
options(survey.lonely.psu = "fail")
apiclus1 <- read.csv("apiclus1.csv")
apistrat <- read.csv("apistrat.csv")
# sch.wide, awards and both are nested answers (awards only where sch.wide is "Yes"), so
# crossed with each other they give domains with p = 0 or 1; a band of meals (0-33, 34-67,
# 68-100 percent) gives domains where the answers vary
apiclus1$meals3 <- floor(apiclus1$meals / 34)
apistrat$meals3 <- floor(apistrat$meals / 34)
nhanes <- read.csv("nhanes.csv")

designs <- list(
  clus1 = svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1),
  clus1_nofpc = svydesign(id = ~dnum, weights = ~pw, data = apiclus1),
  strat = svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat),
  nhanes = svydesign(id = ~SDMVPSU, strata = ~SDMVSTRA, weights = ~WTMEC2YR, nest = TRUE,
                     data = nhanes)
)
# design -> list(variable, level, by columns)
cases <- list(
  clus1 = list(c("sch.wide", "Yes", "stype+meals3"), c("awards", "Yes", "meals3+stype"),
               c("sch.wide", "Yes", "dnum")),
  clus1_nofpc = list(c("sch.wide", "Yes", "stype+meals3")),
  strat = list(c("sch.wide", "Yes", "stype+meals3"), c("awards", "Yes", "meals3+stype")),
  nhanes = list(c("RIAGENDR", "2", "race+agecat"), c("race", "4", "agecat+RIAGENDR"))
)

for (name in names(cases)) {
  d <- designs[[name]]
  for (case in cases[[name]]) {
    variable <- case[1]; level <- case[2]; by <- case[3]
    stopifnot(!anyNA(d$variables[[variable]]))
    d <- update(d, .y = as.numeric(d$variables[[variable]] == level))
    by_formula <- as.formula(paste0("~", gsub("+", "+", by, fixed = TRUE)))
    by_columns <- strsplit(by, "+", fixed = TRUE)[[1]]
    key <- interaction(d$variables[by_columns], drop = TRUE, lex.order = FALSE)
    for (method in methods) {
      for (cl in c(0.95, 0.90)) {
        suffix <- if (cl == 0.95) "" else "90"
        b <- tryCatch(svyby(~.y, by_formula, d, svyciprop, method = method, level = cl,
                            vartype = "ci"), error = function(e) NULL)
        if (is.null(b)) {
          # svyby stops when one domain's likelihood profile fails (p = 0 or 1 there); the
          # same svyciprop(~.y, d[in_domain, ]) call svyby makes, domain by domain, NA where
          # it fails
          b <- do.call(rbind, lapply(levels(key), function(lev) {
            dd <- d[key == lev, ]
            r <- tryCatch(svyciprop(~.y, dd, method = method, level = cl),
                          error = function(e) NULL)
            ci <- if (is.null(r)) c(NA, NA) else attr(r, "ci")
            row <- dd$variables[1, by_columns, drop = FALSE]
            cbind(row, data.frame(.y = if (is.null(r)) NA else as.numeric(r),
                                  ci_l = ci[1], ci_u = ci[2]))
          }))
        }
        labels <- do.call(paste, c(lapply(by_columns, function(col) as.character(b[[col]])),
                                   sep = "."))
        for (i in seq_len(nrow(b))) {
          add(name, "proportion", variable, level, by, labels[i], method,
              paste0("low", suffix), b$ci_l[i])
          add(name, "proportion", variable, level, by, labels[i], method,
              paste0("high", suffix), b$ci_u[i])
          if (method == "mean" && cl == 0.95) {
            add(name, "proportion", variable, level, by, labels[i], "", "estimate", b$.y[i])
          }
        }
      }
    }
    # degf of each domain's subset (what svyciprop used), and the exact likelihood bounds
    # on that df (svyciprop's spline is within ~1e-4 of them; see reference_helpers.R)
    for (lev in levels(key)) {
      dd <- d[key == lev, ]
      add(name, "proportion", variable, level, by, lev, "", "df", degf(dd))
      for (cl in c(0.95, 0.90)) {
        suffix <- if (cl == 0.95) "" else "90"
        ci <- tryCatch(likelihood_exact(dd, cl, degf(dd)), error = function(e) c(NA, NA))
        add(name, "proportion", variable, level, by, lev, "likelihood_exact",
            paste0("low", suffix), ci[1])
        add(name, "proportion", variable, level, by, lev, "likelihood_exact",
            paste0("high", suffix), ci[2])
      }
    }
  }
}

# -- a by column with missing values: svyby forms no group for NA (sort(unique()) drops it);
# the design stays whole for the variance.  apiclus1 with stype blanked where snum %% 7 == 0
# (and on nhanes race blanked where SDMVSTRA is odd and WTMEC2YR's integer part %% 5 == 0).
blank <- list(
  clus1 = list(data = apiclus1, by = "stype", na = apiclus1$snum %% 7 == 0),
  nhanes = list(data = nhanes, by = "race",
                na = nhanes$SDMVSTRA %% 2 == 1 & floor(nhanes$WTMEC2YR) %% 5 == 0)
)
for (name in names(blank)) {
  b <- blank[[name]]
  data <- b$data
  data$by_na <- as.character(data[[b$by]])
  data$by_na[b$na] <- NA
  d <- if (name == "clus1") {
    svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = data)
  } else {
    svydesign(id = ~SDMVPSU, strata = ~SDMVSTRA, weights = ~WTMEC2YR, nest = TRUE,
              data = data)
  }
  variable <- if (name == "clus1") "api00" else "RIAGENDR"
  key <- paste0(name, "_by_na")
  add(key, "all", variable, "", "by_na", "", "", "n_missing_by", sum(b$na))
  f <- as.formula(paste0("~", variable))
  for (statistic in c("mean", "total")) {
    est <- if (statistic == "mean") svymean else svytotal
    r <- svyby(f, ~by_na, d, est)
    for (i in seq_len(nrow(r))) {
      add(key, statistic, variable, "", "by_na", r$by_na[i], "", "estimate", r[[variable]][i])
      add(key, statistic, variable, "", "by_na", r$by_na[i], "", "se", r$se[i])
    }
  }
  level <- if (name == "clus1") "Yes" else "2"
  answer <- if (name == "clus1") "sch.wide" else "RIAGENDR"
  d <- update(d, .y = as.numeric(d$variables[[answer]] == level))
  for (method in c("logit", "mean", "beta")) {
    r <- svyby(~.y, ~by_na, d, svyciprop, method = method, vartype = "ci")
    for (i in seq_len(nrow(r))) {
      add(key, "proportion", answer, level, "by_na", r$by_na[i], method, "low", r$ci_l[i])
      add(key, "proportion", answer, level, "by_na", r$by_na[i], method, "high", r$ci_u[i])
    }
  }
  for (lev in sort(unique(na.omit(data$by_na)))) {
    dd <- d[!is.na(data$by_na) & data$by_na == lev, ]
    add(key, "proportion", answer, level, "by_na", lev, "", "df", degf(dd))
  }
}

write_rows("domain_reference.csv")
