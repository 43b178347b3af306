# Reference for surveystats.design._hadamard: an MD5 digest of every matrix R's
# survey::hadamard(k) returns for k = 1..600 (all its orders up to 604, the tabulated 28 and 36
# and the orders doubled from them included), and R's tabulated 28 and 36 in full.
# R 4.2.2, survey 4.1.1.  Run from this folder:  Rscript hadamard_digests.R
# Digest: md5 of the rows in 0/1 form (1 <-> +1) as text, one row a line, each line ending in
# "\n" (writeLines), so Python's hashlib.md5 of the same text reproduces it.
suppressMessages(library(survey))
digest_of <- function(H) {
  path <- tempfile()
  writeLines(apply(H, 1, paste, collapse = ""), path)
  unname(tools::md5sum(path))
}
k <- 1:600
mats <- lapply(k, hadamard)
write.csv(data.frame(k = k, order = vapply(mats, nrow, numeric(1)),
                     md5 = vapply(mats, digest_of, character(1))),
          "hadamard_digests.csv", row.names = FALSE)
tab <- survey:::hadamard.list
out <- do.call(rbind, lapply(3:4, function(i) {
  H <- tab[[i]]
  data.frame(order = nrow(H), row = seq_len(nrow(H)), bits = apply(H, 1, paste, collapse = ""))
}))
write.csv(out, "hadamard_tabulated.csv", row.names = FALSE)
