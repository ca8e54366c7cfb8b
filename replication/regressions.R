#!/usr/bin/env Rscript
# Independent replication of the regression chapter (chapters/regression.md) in R.
#
# Builds every variable from data/cases.csv alone (no file written by the Python project is read)
# and fits, for each upgrading outcome:
#   * OLS with HC3 standard errors, p-values from t(n - k):
#       lm() + sandwich::vcovHC(type = "HC3") + lmtest::coeftest(df = n - k)
#   * ordered logit and probit (MASS::polr): model-based standard errors (inverse observed
#     information) and robust sandwich standard errors scaled by n/(n - 1) (Stata's
#     `ologit, vce(robust)` convention); normal p-values.
#     polr's own Hessian is a numerical derivative with a coarse step; to compare with the
#     Python project at 1e-6 the optimum is polished with Newton steps and the information
#     is the central-difference Jacobian of the exact score, both written out below.
#   * Freedman-Lane permutation p-values of the HC3 t-ratios (vectorised), which agree with
#     the project's only within Monte-Carlo error (different random number generators).
#
# Usage (from the project root):  Rscript replication/regressions.R [output-dir] [n_perm] [seed]
# Needs the Debian packages r-base-core r-cran-sandwich r-cran-lmtest r-cran-mass.
suppressPackageStartupMessages({
  library(sandwich)
  library(lmtest)
  library(MASS)
})

args <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(args) >= 1) args[1] else "replication/output"
n_perm <- if (length(args) >= 2) as.integer(args[2]) else 99999L
seed <- if (length(args) >= 3) as.integer(args[3]) else 20061L
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)

# ------------------------------------------------------------------ variables from data/cases.csv
cases <- read.csv("data/cases.csv", stringsAsFactors = FALSE, na.strings = c("", "NA"))
ce_levels <- c(low = 1, medium = 2, high = 3)
d <- data.frame(case_id = cases$case_id, stringsAsFactors = FALSE)
d$ce_ordinal <- unname(ce_levels[cases$ce_degree])            # NA when not reported
d$global_qh <- ifelse(is.na(cases$gov_quasi_hierarchy), NA,
                      as.numeric(cases$gov_quasi_hierarchy %in% c(2, 3)))
d$sector_natural_resource <- as.numeric(cases$sector == "natural_resource")
d$sector_complex_products <- as.numeric(cases$sector == "complex_products")
# reference sector: traditional; the specialized-supplier (software) cases have no scores and
# leave every estimation sample through listwise deletion
ups <- c("product", "process", "functional", "intersectoral")
for (u in ups) d[[paste0("upgrading_", u)]] <- as.numeric(cases[[paste0("upgrading_", u)]])
d$upgrading_sum <- rowSums(d[, paste0("upgrading_", ups)])     # NA if any component is NA
regs <- c("ce_ordinal", "global_qh", "sector_natural_resource", "sector_complex_products")
outcomes <- c("product", "process", "functional", "intersectoral", "sum")

rows <- list()
perm_rows <- list()
add <- function(...) rows[[length(rows) + 1]] <<- data.frame(..., stringsAsFactors = FALSE)

# ------------------------------------------------------------------ OLS, HC3, t(n - k)
hc3_t <- function(X, Y) {
  # HC3 t-ratios of every column of X for each column of Y (vectorised over outcomes)
  XtXi <- solve(crossprod(X))
  A <- XtXi %*% t(X)                     # k x n
  h <- rowSums((X %*% XtXi) * X)
  B <- A %*% Y                           # k x m
  E <- (Y - X %*% B) / (1 - h)
  S <- sqrt((A^2) %*% (E^2))
  B / S
}

set.seed(seed)
for (o in outcomes) {
  y_name <- paste0("upgrading_", o)
  s <- d[complete.cases(d[, c(y_name, regs)]), c(y_name, regs)]
  f <- as.formula(paste(y_name, "~", paste(regs, collapse = " + ")))
  m <- lm(f, data = s)
  V <- vcovHC(m, type = "HC3")
  ct <- coeftest(m, vcov. = V, df = m$df.residual)
  for (t in rownames(ct)) {
    add(outcome = o, model = "OLS", term = ifelse(t == "(Intercept)", "const", t), n = nrow(s),
        coef = ct[t, 1], se = ct[t, 2], p = ct[t, 4], se_robust = NA, p_robust = NA,
        df = m$df.residual, note = "")
  }
  # Freedman-Lane permutations of the HC3 t-ratio, in chunks of 10,000
  X <- model.matrix(m)
  y <- s[[y_name]]
  t_obs <- abs(hc3_t(X, matrix(y))[, 1])
  for (j in 2:ncol(X)) {
    Xr <- X[, -j, drop = FALSE]
    fit_r <- Xr %*% qr.solve(Xr, y)
    e_r <- as.vector(y - fit_r)
    hits <- 0
    done <- 0
    while (done < n_perm) {
      c <- min(10000L, n_perm - done)
      P <- replicate(c, sample.int(length(y)))          # n x c permutations
      Ystar <- as.vector(fit_r) + matrix(e_r[P], nrow = length(y))
      tt <- abs(hc3_t(X, Ystar)[j, ])
      hits <- hits + sum(tt >= t_obs[j] * (1 - 1e-10))
      done <- done + c
    }
    p <- (1 + hits) / (1 + n_perm)
    perm_rows[[length(perm_rows) + 1]] <- data.frame(
      outcome = o, term = colnames(X)[j], p_permutation = p,
      mc_se = sqrt(p * (1 - p) / n_perm), n_perm = n_perm, stringsAsFactors = FALSE)
  }
}

# ------------------------------------------------------------------ ordered logit / probit
ordered_fit <- function(y, X, link) {
  Fc <- if (link == "logistic") plogis else pnorm
  fd <- if (link == "logistic") dlogis else dnorm
  lev <- sort(unique(y))
  yi <- match(y, lev)
  K <- length(lev)
  p <- ncol(X)
  pieces <- function(th) {
    b <- th[1:p]; z <- th[(p + 1):(p + K - 1)]
    eta <- as.vector(X %*% b)
    cuts <- c(-Inf, z, Inf)
    up <- cuts[yi + 1] - eta; lo <- cuts[yi] - eta
    P <- Fc(up) - Fc(lo)
    fu <- ifelse(is.finite(up), fd(up), 0); fl <- ifelse(is.finite(lo), fd(lo), 0)
    list(P = P, fu = fu, fl = fl)
  }
  score_obs <- function(th) {
    q <- pieces(th)
    gb <- X * ((q$fl - q$fu) / q$P)
    gz <- matrix(0, length(y), K - 1)
    for (j in 1:(K - 1)) gz[, j] <- ((yi == j) * q$fu - (yi == j + 1) * q$fl) / q$P
    cbind(gb, gz)
  }
  loglik <- function(th) sum(log(pieces(th)$P))
  hess <- function(th) {
    H <- matrix(0, length(th), length(th))
    for (j in seq_along(th)) {
      h <- 1e-6 * max(1, abs(th[j])); e <- replace(numeric(length(th)), j, h)
      H[, j] <- (colSums(score_obs(th + e)) - colSums(score_obs(th - e))) / (2 * h)
    }
    (H + t(H)) / 2
  }
  dat <- data.frame(yy = factor(yi, levels = 1:K, ordered = TRUE), X)
  fit <- polr(yy ~ ., data = dat, method = link, Hess = TRUE, control = list(maxit = 10000, reltol = 1e-15))
  th <- c(coef(fit), fit$zeta)
  for (it in 1:5) {                     # Newton polish on the exact score
    step <- th - solve(hess(th), colSums(score_obs(th)))
    if (!all(is.finite(step)) || loglik(step) < loglik(th) - 1e-12) break
    th <- step
  }
  H <- hess(th)
  Vo <- solve(-H)
  S <- score_obs(th)
  n <- length(y)
  Vr <- n / (n - 1) * Vo %*% crossprod(S) %*% Vo
  list(coef = th[1:p], se = sqrt(diag(Vo))[1:p], se_robust = sqrt(diag(Vr))[1:p],
       hc0_sandwich_pkg = tryCatch(sqrt(diag(sandwich(fit)))[1:p], error = function(e) rep(NA, p)),
       grad = max(abs(colSums(S))))
}

for (o in outcomes) {
  y_name <- paste0("upgrading_", o)
  s <- d[complete.cases(d[, c(y_name, regs)]), c(y_name, regs)]
  X <- as.matrix(s[, regs])
  for (link in c("logistic", "probit")) {
    label <- if (link == "logistic") "Ordered logit" else "Ordered probit"
    r <- tryCatch(suppressWarnings(ordered_fit(s[[y_name]], X, link)), error = function(e) NULL)
    if (is.null(r) || any(!is.finite(r$se)) || max(abs(r$coef)) > 15 || max(r$se) > 100 || r$grad > 1e-4) {
      # (quasi-)separation: the likelihood has no maximum, coefficients run off
      add(outcome = o, model = label, term = "", n = nrow(s), coef = NA, se = NA, p = NA,
          se_robust = NA, p_robust = NA, df = NA, note = "not estimable (separation)")
      next
    }
    for (j in seq_along(regs)) {
      add(outcome = o, model = label, term = regs[j], n = nrow(s), coef = r$coef[j], se = r$se[j],
          p = 2 * pnorm(-abs(r$coef[j] / r$se[j])), se_robust = r$se_robust[j],
          p_robust = 2 * pnorm(-abs(r$coef[j] / r$se_robust[j])), df = NA, note = "")
    }
  }
}

res <- do.call(rbind, rows)
perm <- do.call(rbind, perm_rows)
write.csv(res, file.path(out_dir, "r_coefficients.csv"), row.names = FALSE)
write.csv(perm, file.path(out_dir, "r_permutation.csv"), row.names = FALSE)
cat("wrote", file.path(out_dir, "r_coefficients.csv"), "and r_permutation.csv\n")
