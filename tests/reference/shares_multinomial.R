# Reference values for surveystats.multinomial_ci (tests/test_shares.py).
# Run from the repository root:  Rscript tests/reference/shares_multinomial.R
# Writes tests/reference/shares_multinomial.csv (one row per case, level, method and cell).
#
# goodman, quesenberry-hurst: the closed forms of Goodman (1965), Technometrics 7:247-254,
#   eq. (6) with A = qchisq(1 - alpha/k, 1), and of Quesenberry & Hurst (1964),
#   Technometrics 6:191-195, with A = qchisq(1 - alpha, k - 1).
# sison-glaz: Sison & Glaz (1995), JASA 90:366-369, written here independently of the
#   Python code: the moments of each truncated Poisson are summed directly over its support
#   with dpois and central moments taken about the mean (the Python code grows the window
#   one step at a time by the pmf recursion and takes moments about lambda), and the
#   integer c is found by the scan of May & Johnson (2000) / MultinomialCI::multinomialCI.
options(digits = 17)

quadratic_bounds <- function(x, A) {
  n <- sum(x)
  root <- sqrt(A * (A + 4 * x * (n - x) / n))
  cbind((A + 2 * x - root) / (2 * (n + A)), (A + 2 * x + root) / (2 * (n + A)))
}
goodman <- function(x, level) quadratic_bounds(x, qchisq(1 - (1 - level) / length(x), 1))
quesenberry_hurst <- function(x, level) quadratic_bounds(x, qchisq(level, length(x) - 1))

truncated_cumulants <- function(lambda, c) {
  a <- lambda + c
  b <- max(lambda - c, 0)
  y <- b:a
  w <- dpois(y, lambda)
  mass <- sum(w)
  w <- w / mass
  m <- sum(y * w)
  v <- sum((y - m)^2 * w)
  c(mean = m, var = v, k3 = sum((y - m)^3 * w), k4 = sum((y - m)^4 * w) - 3 * v^2,
    mass = mass)
}
sg_coverage <- function(x, c) {
  n <- sum(x)
  cum <- sapply(x, truncated_cumulants, c = c)
  s <- rowSums(cum[c("mean", "var", "k3", "k4"), , drop = FALSE])
  z <- (n - s[["mean"]]) / sqrt(s[["var"]])
  g1 <- s[["k3"]] / s[["var"]]^1.5
  g2 <- s[["k4"]] / s[["var"]]^2
  edgeworth <- (1 + g1 * (z^3 - 3 * z) / 6 + g2 * (z^4 - 6 * z^2 + 3) / 24
                + g1^2 * (z^6 - 15 * z^4 + 45 * z^2 - 15) / 72) * dnorm(z)
  prod(cum["mass", ]) / dpois(n, n) * edgeworth / sqrt(s[["var"]])
}
sison_glaz <- function(x, level) {
  n <- sum(x)
  previous <- 0
  for (c in 1:n) {
    nu <- sg_coverage(x, c)
    if (nu > level && previous < level) break
    previous <- nu
  }
  gamma <- (level - previous) / (nu - previous)
  p <- x / n
  cbind(pmax(p - (c - 1) / n, 0), pmin(p + (c - 1 + 2 * gamma) / n, 1))
}

cases <- list(
  sison_glaz_1 = c(56, 72, 73, 59, 62, 87, 58),          # Sison & Glaz (1995), example 1
  sison_glaz_2 = rep(5, 50),                              # example 2
  sison_glaz_3 = rep(c(1, 12, 5, 3, 4), each = 10),       # example 3
  multinomialci_doc = c(23, 12, 44),                      # ?MultinomialCI::multinomialCI
  desctools_doc = c(35, 74, 22, 69),                      # ?DescTools::MultinomCI
  with_zero = c(0, 3, 17, 80),
  two_answers = c(7, 13),
  large = c(4000, 3000, 2000, 1000)
)
set.seed(20251120)
for (i in 1:12) {
  k <- sample(2:8, 1)
  n <- sample(c(20, 100, 500, 1000, 2500), 1)
  cases[[sprintf("random_%02d", i)]] <- as.vector(rmultinom(1, n, prop.table(runif(k))))
}

methods <- list(goodman = goodman, "quesenberry-hurst" = quesenberry_hurst,
                "sison-glaz" = sison_glaz)
rows <- list()
for (case in names(cases)) {
  x <- cases[[case]]
  for (level in c(0.90, 0.95, 0.99)) {
    for (method in names(methods)) {
      b <- methods[[method]](x, level)
      rows[[length(rows) + 1]] <- data.frame(
        case = case, method = method, level = level, cell = seq_along(x), count = x,
        low = format(b[, 1], digits = 17), high = format(b[, 2], digits = 17))
    }
  }
}
out <- do.call(rbind, rows)
write.csv(out, "tests/reference/shares_multinomial.csv", row.names = FALSE, quote = TRUE)
