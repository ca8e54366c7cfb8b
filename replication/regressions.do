* Replication of the regression chapter (chapters/regression.md) in Stata.
* UNTESTED: Stata is not available where this project is built; the R script
* replication/regressions.R is the tested replication. Run from the project root:
*     do replication/regressions.do
* Conventions of the book's regression page:
*   OLS: vce(hc3), t(n - k) p-values (Stata's default for regress).
*   Ordered logit/probit: model-based (OIM) standard errors (Stata's default);
*   the robust column is vce(robust), which scales the sandwich by n/(n - 1).
clear all
import delimited using "data/cases.csv", varnames(1) bindquote(strict) encoding(utf-8) clear

* ---- variables, built from data/cases.csv alone
generate ce_ordinal = 1 if ce_degree == "low"
replace ce_ordinal = 2 if ce_degree == "medium"
replace ce_ordinal = 3 if ce_degree == "high"
generate global_qh = inlist(gov_quasi_hierarchy, 2, 3) if !missing(gov_quasi_hierarchy)
generate sector_natural_resource = sector == "natural_resource"
generate sector_complex_products = sector == "complex_products"
foreach u in product process functional intersectoral {
    destring upgrading_`u', replace force
}
generate upgrading_sum = upgrading_product + upgrading_process + upgrading_functional + upgrading_intersectoral
local regs ce_ordinal global_qh sector_natural_resource sector_complex_products

* ---- models
foreach o in product process functional intersectoral sum {
    display as text _newline "==== `o' upgrading"
    regress upgrading_`o' `regs', vce(hc3)
    * ordered models: the half-point scores as ordered categories
    egen cat_`o' = group(upgrading_`o')
    capture noisily ologit cat_`o' `regs'
    capture noisily ologit cat_`o' `regs', vce(robust)
    capture noisily oprobit cat_`o' `regs'
    capture noisily oprobit cat_`o' `regs', vce(robust)
    * intersectoral: separation, the project refuses both ordered models (Stata may drop
    * sector_complex_products and report the rest; compare with care)
}

* ---- CE as categories, with the test of the linear (equal-step) coding
generate ce_medium = ce_ordinal == 2 if !missing(ce_ordinal)
generate ce_high = ce_ordinal == 3 if !missing(ce_ordinal)
regress upgrading_product ce_medium ce_high global_qh sector_natural_resource sector_complex_products, vce(hc3)
test ce_high = 2 * ce_medium

* Permutation p-values (Freedman-Lane, HC3 t) are not reproduced here: see the R script.
