# Shared by api_reference.R and design_reference.R: how each reference value is computed.
# Long format rows: design, statistic, variable, level, by, domain, method, quantity, value.
suppressMessages(library(survey))
options(digits = 17)

fmt <- function(x) format(x, digits = 17)
rows <- list()
add <- function(design, statistic, variable, level, by, domain, method, quantity, value) {
  rows[[length(rows) + 1]] <<- data.frame(design = design, statistic = statistic,
    variable = variable, level = level, by = by, domain = domain, method = method,
    quantity = quantity, value = fmt(as.numeric(value)), stringsAsFactors = FALSE)
}
methods <- c("logit", "likelihood", "asin", "beta", "mean", "xlogit")

# One estimate (mean or total) of `variable` on design d: dd is d itself or d restricted to
# one domain (d[in_domain, ], which keeps the PSU counts of the whole design, as svyby).
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

# svyciprop(method = "beta") takes the t ratio's df from degf() of the design it is given,
# ignoring `df`.  With missing answers the design given is the answered rows, whose degf can
# be below that of the whole design (or domain), so there the same Korn-Graubard formula is
# evaluated with df: svyciprop's own lines, with degf(design) replaced by df.
korn_graubard <- function(dd, level, df) {
  m <- svymean(~.y, dd)
  p <- coef(m)[1]
  alpha <- 1 - level
  n.eff <- p * (1 - p) / vcov(m)[1, 1] * (qt(alpha / 2, nrow(dd) - 1) / qt(alpha / 2, df))^2
  c(qbeta(alpha / 2, n.eff * p, n.eff * (1 - p) + 1),
    qbeta(1 - alpha / 2, n.eff * p + 1, n.eff * (1 - p)))
}

# svyciprop(method = "likelihood") interpolates a spline through a few points of the profile
# deviance of svyglm(y ~ 1, family = quasibinomial); this solves the same equation exactly
# with uniroot (tol 1e-14 on the logit scale), R's own lambda (cov.unscaled / naive.cov),
# dispersion (summary.svyglm) and deviance (binomial, weights rescaled to mean 1 as svyglm).
# The fit is iterated to convergence (epsilon = 1e-15): with glm's default 1e-8, naive.cov
# keeps the weights of the previous IRLS step and lambda is off by ~1e-4 relative, which
# moves svyciprop's bounds by ~1e-6.  It starts at the exact optimum, logit of the weighted
# mean: a deviance criterion leaves the coefficient only within sqrt(epsilon) ~ 3e-8 of it,
# which moved lambda by 1e-8 in small domains.
likelihood_exact <- function(dd, level, df) {
  start <- qlogis(coef(svymean(~.y, dd))[[1]])
  m <- svyglm(.y ~ 1, dd, family = quasibinomial, start = start,
              control = glm.control(epsilon = 1e-15, maxit = 100))
  lambda <- m$cov.unscaled[1, 1] / m$naive.cov[1, 1]
  dispersion <- as.numeric(summary(m)$dispersion)
  cutoff <- qt((1 - level) / 2, df)^2 * lambda
  y <- dd$variables$.y
  w <- weights(dd) / mean(weights(dd))
  deviance <- function(b) -2 * sum(w * (y * plogis(b, log.p = TRUE) +
                                         (1 - y) * plogis(-b, log.p = TRUE)))
  b0 <- qlogis(sum(w * y) / sum(w))
  f <- function(b) (deviance(b) - deviance(b0)) / dispersion - cutoff
  low <- uniroot(f, c(b0 - 30, b0), tol = 1e-14)$root
  high <- uniroot(f, c(b0, b0 + 30), tol = 1e-14)$root
  plogis(c(low, high))
}

# The share of `level` in `variable` (missing answers: the design restricted to answered
# rows, svyciprop on it).  df: that of the whole design, or for a domain (by != "") that of
# the domain's subset d[in_domain, ], answered or not -- what svyby(~y, ~by, d, svyciprop)
# passes, since svyciprop's default df = degf(design) is the domain subset it is given.
proportion <- function(name, d, dd, variable, level, by, domain) {
  df <- if (by == "") degf(d) else degf(dd)
  add(name, "proportion", variable, level, by, domain, "", "df", df)
  answered <- !is.na(dd$variables[[variable]])
  dd <- dd[answered, ]
  dd <- update(dd, .y = as.numeric(get(variable) == level))
  m <- svymean(~.y, dd, deff = "replace")
  m0 <- svymean(~.y, dd, deff = TRUE)
  add(name, "proportion", variable, level, by, domain, "", "estimate", coef(m))
  add(name, "proportion", variable, level, by, domain, "", "se", SE(m))
  add(name, "proportion", variable, level, by, domain, "", "deff", deff(m))
  add(name, "proportion", variable, level, by, domain, "", "deff_srswor", deff(m0))
  for (cl in c(0.95, 0.90)) {
    suffix <- if (cl == 0.95) "" else "90"
    for (method in methods) {
      # NA where R's own fit fails (the likelihood profile of a domain with p = 0 or 1)
      ci <- tryCatch(attr(svyciprop(~.y, dd, method = method, level = cl, df = df), "ci"),
                     error = function(e) c(NA, NA))
      if (method == "beta" && degf(dd) != df) ci <- korn_graubard(dd, cl, df)
      add(name, "proportion", variable, level, by, domain, method, paste0("low", suffix), ci[1])
      add(name, "proportion", variable, level, by, domain, method, paste0("high", suffix), ci[2])
    }
    ci <- tryCatch(likelihood_exact(dd, cl, df), error = function(e) c(NA, NA))
    add(name, "proportion", variable, level, by, domain, "likelihood_exact", paste0("low", suffix), ci[1])
    add(name, "proportion", variable, level, by, domain, "likelihood_exact", paste0("high", suffix), ci[2])
  }
}

# Every pairwise difference of domain estimates, second minus first (svyby + svycontrast).
# (missing answers: d is the design restricted to answered rows, df that of the whole design)
contrasts <- function(name, d, formula, by, statistic, variable, level, df = degf(d)) {
  b <- svyby(formula, as.formula(paste0("~", by)), d, svymean, covmat = TRUE)
  labels <- as.character(b[[by]])
  k <- length(labels)
  for (i in 1:(k - 1)) for (j in (i + 1):k) {
    w <- rep(0, k); w[i] <- -1; w[j] <- 1
    cc <- svycontrast(b, w)
    domain <- paste(labels[i], labels[j], sep = "|")
    t <- coef(cc) / SE(cc)
    add(name, statistic, variable, level, by, domain, "contrast", "estimate", coef(cc))
    add(name, statistic, variable, level, by, domain, "contrast", "se", SE(cc))
    add(name, statistic, variable, level, by, domain, "contrast", "pvalue",
        2 * pt(-abs(t), df))
  }
}

# svychisq, statistic = "F" and "Chisq" (R reports Pearson's X^2 as the Chisq statistic;
# the first-order corrected statistic is F * ndf... see chisq_rows).
chisq <- function(name, d, row, column) {
  f <- as.formula(paste0("~", row, "+", column))
  F <- svychisq(f, d, statistic = "F")
  X <- svychisq(f, d, statistic = "Chisq")
  key <- paste(row, column, sep = "*")
  add(name, "chisq", key, "", "", "", "F", "statistic", F$statistic)
  add(name, "chisq", key, "", "", "", "F", "pvalue", F$p.value)
  add(name, "chisq", key, "", "", "", "F", "ndf", F$parameter[["ndf"]])
  add(name, "chisq", key, "", "", "", "F", "ddf", F$parameter[["ddf"]])
  add(name, "chisq", key, "", "", "", "chisq", "pearson", X$statistic)
  add(name, "chisq", key, "", "", "", "chisq", "pvalue", X$p.value)
  add(name, "chisq", key, "", "", "", "chisq", "df", X$parameter[["df"]])
}

write_rows <- function(path) {
  out <- do.call(rbind, rows)
  write.csv(out, path, row.names = FALSE)
  cat(nrow(out), "reference values written to", path, "\n")
}
