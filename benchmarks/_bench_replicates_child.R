
suppressMessages(library(survey))
args <- commandArgs(TRUE); kind <- args[1]; reps <- as.integer(args[2]); rows <- as.integer(args[3])
set.seed(12345)
if (kind == "jk1") { n_strata <- 1; n_psu <- reps } else { n_strata <- 50; n_psu <- 2000 }
psu <- sample.int(n_psu, rows, replace = TRUE)
df <- data.frame(psu = psu, stratum = psu %% n_strata, weight = runif(rows, 50, 150),
                 answer = as.numeric(runif(rows) < runif(n_psu, 0.3, 0.6)[psu]),
                 m2 = sample.int(2, rows, TRUE), m6 = sample.int(6, rows, TRUE),
                 m10 = sample.int(10, rows, TRUE))
total <- sum(df$weight)
pop <- function(name, k) {
  share <- seq(1, 2, length.out = k)
  out <- data.frame(seq_len(k), Freq = total * share / sum(share)); names(out)[1] <- name; out
}
t0 <- proc.time()[["elapsed"]]
if (kind == "jk1") {
  d <- svydesign(id = ~psu, weights = ~weight, data = df)
  rd <- as.svrepdesign(d, type = "JK1")
} else {
  d <- svydesign(id = ~psu, strata = ~stratum, weights = ~weight, data = df)
  rd <- as.svrepdesign(d, type = "subbootstrap", replicates = reps)
}
t1 <- proc.time()[["elapsed"]]
rk <- rake(rd, list(~m2, ~m6, ~m10), list(pop("m2", 2), pop("m6", 6), pop("m10", 10)),
           control = list(maxit = 100, epsilon = 1e-10))
t2 <- proc.time()[["elapsed"]]
m <- svymean(~answer, rk)
t3 <- proc.time()[["elapsed"]]
status <- readLines("/proc/self/status")
peak <- as.numeric(strsplit(trimws(sub("VmHWM:", "", grep("^VmHWM", status, value = TRUE))), " ")[[1]][1]) / 1024
cat(sprintf('{"create": %f, "rake": %f, "estimate_time": %f, "peak": %f, "se": %.10g, "estimate": %.10g}\n',
            t1 - t0, t2 - t1, t3 - t2, peak, SE(m), coef(m)))
