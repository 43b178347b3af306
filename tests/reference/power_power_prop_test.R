# Reference values for surveystats.power.
# Run from the repository root:  Rscript tests/reference/power_power_prop_test.R
# Writes tests/reference/power_power_prop_test.csv with one row per case:
#   kind = "power":  power.prop.test(n, p1, p2, sig.level, alternative, strict)$power
#   kind = "n":      power.prop.test(p1 = , p2 = , power = , sig.level, alternative, strict,
#                    tol = 1e-13)$n   (uniroot to 1e-13 absolute, so the root is exact to
#                    ~1e-15 relative; R's default tol = eps^0.25 would give only ~1e-4)
#   kind = "decrease"/"increase":  uniroot over d of
#                    power.prop.test(n, p1 = p, p2 = p -/+ d, sig.level)$power - power,
#                    interval (1e-12, p) or (1e-12, 1 - p), tol = 1e-15: the smallest
#                    detectable fall / rise (equal groups).
#   kind = "power_unequal": the documented unequal-groups formula of surveystats.power
#                    (pooled-variance z-test, normal approximation; Fleiss, Levin & Paik
#                    2003, sec. 4.2) typed in R independently; for n1 = n2 it is
#                    power.prop.test's formula (checked below with stopifnot).
#   kind = "decrease_unequal"/"increase_unequal": uniroot over that formula.
num <- function(v) format(v, digits = 17)
rows <- list()
add <- function(kind, p1, p2, n1, n2, level, alternative, strict, power, value) {
  rows[[length(rows) + 1]] <<- data.frame(kind = kind, p1 = num(p1), p2 = num(p2),
    n1 = num(n1), n2 = num(n2), confidence_level = num(level), alternative = alternative,
    strict = strict, power = num(power), value = num(value))
}
ralt <- function(a) if (a == "two-sided") "two.sided" else "one.sided"
unequal <- function(p1, p2, n1, n2, level, alternative) {
  a <- if (alternative == "two-sided") (1 - level) / 2 else 1 - level
  d <- p2 - p1
  d <- if (alternative == "two-sided") abs(d) else if (alternative == "less") -d else d
  P <- (n1 * p1 + n2 * p2) / (n1 + n2)
  pnorm((d - qnorm(a, lower.tail = FALSE) * sqrt(P * (1 - P) * (1 / n1 + 1 / n2))) /
        sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2))
}
stopifnot(abs(unequal(0.487, 0.411, 1000, 1000, 0.95, "two-sided") -
              power.prop.test(1000, 0.487, 0.411)$power) < 1e-15)

set.seed(1103)
ps <- c(0.01, 0.05, 0.2, 0.311, 0.411, 0.487, 0.5, 0.569, 0.8, 0.95, 0.99)
# Power over a grid (the Ukraine figures among the proportions).
for (p1 in ps) for (p2 in ps) {
  if (p1 == p2) next
  for (n in c(50, 400, 1000, 2500)) {
    for (level in c(0.9, 0.95, 0.99)) {
      for (strict in c(FALSE, TRUE)) {
        add("power", p1, p2, n, n, level, "two-sided", strict,
            NA, power.prop.test(n, p1, p2, sig.level = 1 - level, strict = strict)$power)
      }
      # R's one-sided uses |p1 - p2|, i.e. the alternative in the direction of the change.
      add("power", p1, p2, n, n, level, if (p2 > p1) "greater" else "less", FALSE, NA,
          power.prop.test(n, p1, p2, sig.level = 1 - level, alternative = "one.sided")$power)
    }
  }
}
# Sample sizes (uniroot with a tight tolerance).
for (i in 1:150) {
  pp <- sort(runif(2, 0.01, 0.99)); if (runif(1) < 0.5) pp <- rev(pp)
  if (abs(pp[1] - pp[2]) < 0.01) next
  level <- sample(c(0.9, 0.95, 0.99), 1); pw <- sample(c(0.5, 0.8, 0.9, 0.95), 1)
  strict <- i %% 4 == 0
  alt <- if (i %% 5 == 0) (if (pp[2] > pp[1]) "greater" else "less") else "two-sided"
  if (alt != "two-sided") strict <- FALSE
  n <- power.prop.test(p1 = pp[1], p2 = pp[2], power = pw, sig.level = 1 - level,
                       alternative = ralt(alt), strict = strict, tol = 1e-13)$n
  add("n", pp[1], pp[2], NA, NA, level, alt, strict, pw, n)
}
add("n", 0.487, 0.45, NA, NA, 0.95, "two-sided", FALSE, 0.8,
    power.prop.test(p1 = 0.487, p2 = 0.45, power = 0.8, tol = 1e-13)$n)
# Smallest detectable change, equal groups, via power.prop.test.
for (p in c(0.02, 0.05, 0.194, 0.311, 0.487, 0.5, 0.7, 0.95)) {
  for (n in c(200, 1000, 3000)) for (pw in c(0.8, 0.9)) for (level in c(0.9, 0.95)) {
    f_dec <- function(d) power.prop.test(n, p, p - d, sig.level = 1 - level)$power - pw
    f_inc <- function(d) power.prop.test(n, p, p + d, sig.level = 1 - level)$power - pw
    if (f_dec(p) > 0) add("decrease", p, NA, n, n, level, "two-sided", FALSE, pw,
                          uniroot(f_dec, c(1e-12, p), tol = 1e-15)$root)
    if (f_inc(1 - p) > 0) add("increase", p, NA, n, n, level, "two-sided", FALSE, pw,
                              uniroot(f_inc, c(1e-12, 1 - p), tol = 1e-15)$root)
  }
}
# Unequal groups: power and detectable change through the documented formula.
for (i in 1:80) {
  p1 <- runif(1, 0.02, 0.98); p2 <- runif(1, 0.02, 0.98)
  n1 <- sample(50:3000, 1); n2 <- sample(50:3000, 1)
  level <- sample(c(0.9, 0.95, 0.99), 1)
  alt <- sample(c("two-sided", "less", "greater"), 1)
  add("power_unequal", p1, p2, n1, n2, level, alt, FALSE, NA,
      unequal(p1, p2, n1, n2, level, alt))
}
for (p in c(0.05, 0.311, 0.487, 0.8)) for (nn in list(c(1000, 500), c(800, 2400))) {
  f_dec <- function(d) unequal(p, p - d, nn[1], nn[2], 0.95, "two-sided") - 0.8
  f_inc <- function(d) unequal(p, p + d, nn[1], nn[2], 0.95, "two-sided") - 0.8
  add("decrease_unequal", p, NA, nn[1], nn[2], 0.95, "two-sided", FALSE, 0.8,
      uniroot(f_dec, c(1e-12, p), tol = 1e-15)$root)
  add("increase_unequal", p, NA, nn[1], nn[2], 0.95, "two-sided", FALSE, 0.8,
      uniroot(f_inc, c(1e-12, 1 - p), tol = 1e-15)$root)
}
out <- do.call(rbind, rows)
write.csv(out, "tests/reference/power_power_prop_test.csv", row.names = FALSE)
