# Reference for surveystats.design._hadamard: the order R's survey::hadamard(k) chooses for k
# strata (k = 1..600), and R's full matrices (0/1 form) for orders R builds by Sylvester doubling
# or the Paley construction (its tabulated matrices of orders 28 and 36: hadamard_digests.R).
# R 4.2.2, survey 4.1.1.  Run: Rscript hadamard.R
suppressMessages(library(survey))
k <- 1:600
sizes <- vapply(k, function(i) nrow(hadamard(i)), numeric(1))
write.csv(data.frame(k = k, order = sizes), "hadamard_sizes.csv", row.names = FALSE)
pick <- c(1, 3, 5, 10, 15, 17, 20, 40, 60, 64, 100, 127, 200, 250)
out <- do.call(rbind, lapply(pick, function(i) {
  H <- hadamard(i)
  data.frame(k = i, row = seq_len(nrow(H)), bits = apply(H, 1, paste, collapse = ""))
}))
write.csv(out, "hadamard_matrices.csv", row.names = FALSE)
