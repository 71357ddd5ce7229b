/*
 * report.c - kdep report: the stats as one self-contained HTML5 page.
 *
 * Nothing is fetched: the style sheet is inline, the charts are inline
 * SVG drawn here, and the page reads the same without JavaScript.  One
 * small inline script only adds a filter box over the table of all
 * headers, which sits folded in a <details> (without the script, the
 * browser's find does the same).  A print style sheet leaves that table
 * out, puts the side-by-side tables one under the other and keeps charts
 * and table rows whole on a page.  Every text from the graph (paths, names) is escaped.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "graph.h"

static int esc(struct kdep_buf *b, const char *s)
{
	const char *run = s;
	int e = 0;

	for (; *s; s++) {
		const char *r = NULL;

		switch (*s) {
		case '&': r = "&amp;"; break;
		case '<': r = "&lt;"; break;
		case '>': r = "&gt;"; break;
		case '"': r = "&quot;"; break;
		}
		if (!r)
			continue;
		e |= kdep_bufadd(b, run, (size_t)(s - run));
		e |= kdep_bufputs(b, r);
		run = s + 1;
	}
	e |= kdep_bufadd(b, run, (size_t)(s - run));
	return e;
}

/* n with thin thousands separators: 1 234 567. */
static int num(struct kdep_buf *b, uint64_t n)
{
	char d[32];
	int len = snprintf(d, sizeof(d), "%" PRIu64, n), i, e = 0;

	for (i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			e |= kdep_bufputs(b, "&#8201;");
		e |= kdep_bufadd(b, d + i, 1);
	}
	return e;
}

static int bytes(struct kdep_buf *b, uint64_t n)
{
	return kdep_humanbytes(b, n, "&nbsp;");
}

static const char style[] =
	"<style>\n"
	":root{--ink:#1d2433;--mute:#5b6477;--line:#dfe3ea;--bg:#f6f7f9;"
	"--bar:#3867d6;--bar2:#e58e26;--card:#fff}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;background:var(--bg);color:var(--ink);"
	"font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,"
	"'DejaVu Sans',sans-serif}\n"
	"main{max-width:1180px;margin:0 auto;padding:28px 32px 48px}\n"
	"h1{font-size:26px;margin:0 0 4px}\n"
	"h2{font-size:18px;margin:0 0 4px}\n"
	"p.sub,p.note{color:var(--mute);margin:0 0 14px}\n"
	"p.note{font-size:13px;margin:6px 0 0}\n"
	".cards{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;"
	"margin:18px 0 22px}\n"
	"@media (max-width:700px){.cards{grid-template-columns:1fr 1fr}}\n"
	".card{background:var(--card);border:1px solid var(--line);"
	"border-radius:8px;padding:12px 14px}\n"
	".card b{display:block;font-size:22px;font-variant-numeric:"
	"tabular-nums}\n"
	".card span{color:var(--mute);font-size:13px}\n"
	"section{background:var(--card);border:1px solid var(--line);"
	"border-radius:8px;padding:18px 20px;margin:0 0 18px;"
	"break-inside:avoid}\n"
	".two{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);"
	"gap:18px}\n"
	".two section{margin:0 0 18px}\n"
	"@media (max-width:900px){.two{grid-template-columns:1fr}}\n"
	"svg{display:block;width:100%;height:auto;margin-top:8px}\n"
	"svg text{font:12px system-ui,sans-serif;fill:var(--ink)}\n"
	"svg .ax{fill:var(--mute)}\n"
	"table{border-collapse:collapse;width:100%;font-size:13.5px}\n"
	"th,td{padding:5px 8px;border-bottom:1px solid var(--line);"
	"text-align:left;vertical-align:top}\n"
	"th{font-weight:600;color:var(--mute);background:#fafbfc}\n"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;"
	"white-space:nowrap}\n"
	"td.p{font-family:ui-monospace,'DejaVu Sans Mono',monospace;"
	"font-size:12.5px;overflow-wrap:anywhere}\n"
	"tr{break-inside:avoid}\n"
	".scroll{max-height:560px;overflow:auto;border:1px solid "
	"var(--line);border-radius:6px}\n"
	".scroll th{position:sticky;top:0}\n"
	"input[type=search]{width:100%;max-width:420px;padding:7px 10px;"
	"border:1px solid var(--line);border-radius:6px;font:inherit;"
	"margin:6px 0 10px}\n"
	"summary{cursor:pointer;font-weight:600;margin:4px 0 8px}\n"
	"footer{color:var(--mute);font-size:12px;margin-top:24px}\n"
	"@media print{body{background:#fff;font-size:11px}"
	"main{max-width:none;padding:0}"
	"section,.card{border-color:#ccc}"
	".scroll{max-height:none;overflow:visible;border:0}"
	"input{display:none}"
	".two{display:block}"
	".all{display:none}"
	"@page{margin:14mm}}\n"
	"</style>\n";

/* A round number >= v for an axis: 1, 2 or 5 times a power of ten. */
static uint64_t nice(uint64_t v)
{
	uint64_t p = 1;

	for (;;) {
		if (v <= p)
			return p;
		if (v <= p * 2)
			return p * 2;
		if (v <= p * 5)
			return p * 5;
		p *= 10;
	}
}

/* Histogram of headers per object. */
static int histogram(struct kdep_buf *b, const struct kdep_stats *st)
{
	const double W = 1000, H = 300, L = 52, R = 12, T = 12, B = 44;
	double pw = W - L - R, ph = H - T - B, bw;
	uint64_t top = 0;
	size_t i, step;
	int e = 0;

	for (i = 0; i < st->nhist; i++)
		if (st->hist[i] > top)
			top = st->hist[i];
	top = nice(top ? top : 1);
	bw = st->nhist ? pw / (double)st->nhist : pw;
	e |= kdep_bufprintf(b,
			    "<svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
			    "aria-label=\"Histogram of headers per object\">\n",
			    W, H);
	for (i = 0; i <= 4; i++) {
		double y = T + ph - ph * (double)i / 4;

		e |= kdep_bufprintf(b,
				    "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" "
				    "y2=\"%.1f\" stroke=\"#e6e9ef\"/>"
				    "<text class=\"ax\" x=\"%.0f\" y=\"%.1f\" "
				    "text-anchor=\"end\">%" PRIu64 "</text>\n",
				    L, W - R, y, y, L - 6, y + 4,
				    top * i / 4);
	}
	for (i = 0; i < st->nhist; i++) {
		double h = ph * (double)st->hist[i] / (double)top;

		e |= kdep_bufprintf(
			b,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			"height=\"%.1f\" fill=\"#3867d6\" rx=\"1.5\">"
			"<title>%zu-%zu headers: %zu objects</title></rect>\n",
			L + bw * (double)i + 1, T + ph - h, bw > 3 ? bw - 2 : bw,
			h, i * st->histwidth, (i + 1) * st->histwidth - 1,
			st->hist[i]);
	}
	step = st->nhist > 12 ? (st->nhist + 11) / 12 : 1;
	for (i = 0; i <= st->nhist; i += step)
		e |= kdep_bufprintf(b,
				    "<text class=\"ax\" x=\"%.1f\" y=\"%.0f\" "
				    "text-anchor=\"middle\">%zu</text>\n",
				    L + bw * (double)i, T + ph + 16,
				    i * st->histwidth);
	e |= kdep_bufprintf(b,
			    "<text class=\"ax\" x=\"%.0f\" y=\"%.0f\" "
			    "text-anchor=\"middle\">headers per object "
			    "(bins of %zu)</text>\n"
			    "<text class=\"ax\" x=\"12\" y=\"%.0f\" "
			    "transform=\"rotate(-90 12 %.0f)\" "
			    "text-anchor=\"middle\">objects</text>\n</svg>\n",
			    L + pw / 2, H - 6, st->histwidth, T + ph / 2,
			    T + ph / 2);
	return e;
}

/* The tail of a long path, so bars keep their room: "…/asm/foo.h". */
static int shortpath(struct kdep_buf *b, const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return esc(b, s);
	s += n - max + 1;
	if (strchr(s, '/'))
		s = strchr(s, '/');
	return kdep_bufputs(b, "&#8230;") | esc(b, s);
}

/* The top headers by fan-in x size as horizontal bars. */
static int costbars(struct kdep_buf *b, const struct kdep_stats *st,
		    size_t top)
{
	const double W = 1000, LBL = 400, RV = 170, ROW = 26, T = 6;
	size_t n = st->nheaders < top ? st->nheaders : top, i;
	double pw = W - LBL - RV;
	uint64_t max = n ? st->bycost[0].cost : 1;
	int e = 0;

	if (!max)
		max = 1;
	e |= kdep_bufprintf(b,
			    "<svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
			    "aria-label=\"Top headers by rebuild cost\">\n",
			    W, T * 2 + ROW * (double)n);
	for (i = 0; i < n; i++) {
		const struct kdep_statrow *r = &st->bycost[i];
		double y = T + ROW * (double)i;
		double w = pw * (double)r->cost / (double)max;

		e |= kdep_bufprintf(b, "<g><title>");
		e |= esc(b, r->name);
		e |= kdep_bufprintf(b,
				    ": %zu users x %" PRIu64 " bytes</title>"
				    "<text x=\"%.0f\" y=\"%.1f\" "
				    "text-anchor=\"end\">",
				    r->n, r->size, LBL - 8, y + 16);
		e |= shortpath(b, r->name, 52);
		e |= kdep_bufprintf(b,
				    "</text><rect x=\"%.0f\" y=\"%.1f\" "
				    "width=\"%.1f\" height=\"%.0f\" rx=\"2\" "
				    "fill=\"%s\"/><text class=\"ax\" x=\"%.1f\" "
				    "y=\"%.1f\">",
				    LBL, y + 3, w < 1 ? 1 : w, ROW - 6,
				    i < 5 ? "#e58e26" : "#3867d6",
				    LBL + (w < 1 ? 1 : w) + 6, y + 16);
		e |= bytes(b, r->cost);
		e |= kdep_bufprintf(b, " &#183; %zu users</text></g>\n", r->n);
	}
	e |= kdep_bufputs(b, "</svg>\n");
	return e;
}

static int card(struct kdep_buf *b, uint64_t v, int isbytes,
		const char *label)
{
	int e = kdep_bufputs(b, "<div class=\"card\"><b>");

	e |= isbytes ? bytes(b, v) : num(b, v);
	e |= kdep_bufprintf(b, "</b><span>%s</span></div>\n", label);
	return e;
}

/* A table of header rows: path, fan-in, size, fan-in x size, rebuild. */
static int hdrrows(struct kdep_buf *b, const struct kdep_statrow *r,
		   size_t n, const char *id)
{
	size_t i;
	int e = kdep_bufprintf(b,
			       "<table%s%s%s><thead><tr><th>header</th>"
			       "<th class=\"n\">fan-in</th><th class=\"n\">size"
			       "</th><th class=\"n\">fan-in &#215; size</th>"
			       "<th class=\"n\">rebuild reads</th></tr></thead>"
			       "<tbody>\n",
			       id ? " id=\"" : "", id ? id : "", id ? "\"" : "");

	for (i = 0; i < n; i++) {
		e |= kdep_bufputs(b, "<tr><td class=\"p\">");
		e |= esc(b, r[i].name);
		e |= kdep_bufputs(b, "</td><td class=\"n\">");
		e |= num(b, r[i].n);
		e |= kdep_bufputs(b, "</td><td class=\"n\">");
		e |= bytes(b, r[i].size);
		e |= kdep_bufputs(b, "</td><td class=\"n\">");
		e |= bytes(b, r[i].cost);
		e |= kdep_bufputs(b, "</td><td class=\"n\">");
		e |= bytes(b, r[i].rebuild);
		e |= kdep_bufputs(b, "</td></tr>\n");
	}
	e |= kdep_bufputs(b, "</tbody></table>\n");
	return e;
}

static int configtable(struct kdep_buf *b, const struct kdep_stats *st,
		       size_t top)
{
	size_t i;
	int e = kdep_bufputs(b, "<table><thead><tr><th>symbol</th>"
				"<th class=\"n\">users</th></tr></thead>"
				"<tbody>\n");

	for (i = 0; i < st->nconfigs && i < top; i++) {
		e |= kdep_bufputs(b, "<tr><td class=\"p\">");
		e |= esc(b, st->configrows[i].name);
		e |= kdep_bufputs(b, "</td><td class=\"n\">");
		e |= num(b, st->configrows[i].n);
		e |= kdep_bufputs(b, "</td></tr>\n");
	}
	return e | kdep_bufputs(b, "</tbody></table>\n");
}

static int objecttable(struct kdep_buf *b, const struct kdep_stats *st,
		       size_t top)
{
	size_t i;
	int e = kdep_bufputs(b, "<table><thead><tr><th>object</th>"
				"<th class=\"n\">headers</th>"
				"<th class=\"n\">header bytes</th></tr>"
				"</thead><tbody>\n");

	for (i = 0; i < st->nobjects && i < top; i++) {
		e |= kdep_bufputs(b, "<tr><td class=\"p\">");
		e |= esc(b, st->objectrows[i].name);
		e |= kdep_bufputs(b, "</td><td class=\"n\">");
		e |= num(b, st->objectrows[i].n);
		e |= kdep_bufputs(b, "</td><td class=\"n\">");
		e |= bytes(b, st->objectrows[i].size);
		e |= kdep_bufputs(b, "</td></tr>\n");
	}
	return e | kdep_bufputs(b, "</tbody></table>\n");
}

/* Rows hide when the filter text is not in their first cell. */
static const char script[] =
	"<script>\n"
	"(function(){var t=document.getElementById('all'),"
	"d=t.parentNode.parentNode,i=document.createElement('input');"
	"i.type='search';i.placeholder='Filter headers by path';"
	"d.parentNode.insertBefore(i,d);"
	"i.addEventListener('input',function(){var q=i.value.toLowerCase(),"
	"r=t.tBodies[0].rows,k;d.open=true;for(k=0;k<r.length;k++)r[k].style.display="
	"r[k].cells[0].textContent.toLowerCase().indexOf(q)<0?'none':'';});"
	"})();\n"
	"</script>\n";

int kdep_report_html(const struct kdep_stats *st, size_t top,
		     const char *title, struct kdep_buf *b)
{
	int e = 0;

	e |= kdep_bufputs(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
			     "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
			     "content=\"width=device-width,initial-scale=1\">\n"
			     "<title>");
	e |= esc(b, title);
	e |= kdep_bufputs(b, "</title>\n");
	e |= kdep_bufputs(b, style);
	e |= kdep_bufputs(b, "</head>\n<body>\n<main>\n<h1>");
	e |= esc(b, title);
	e |= kdep_bufputs(b, "</h1>\n<p class=\"sub\">");
	e |= num(b, st->info.cmdfiles);
	e |= kdep_bufputs(b, " .cmd files (");
	e |= bytes(b, st->info.cmdbytes);
	e |= kdep_bufputs(b, ") &#183; ");
	e |= num(b, st->info.targets);
	e |= kdep_bufputs(b, " targets &#183; ");
	e |= num(b, st->info.edges);
	e |= kdep_bufputs(b, " dependencies");
	if (st->info.skipped) {
		e |= kdep_bufputs(b, " &#183; ");
		e |= num(b, st->info.skipped);
		e |= kdep_bufputs(b, " malformed .cmd files skipped");
	}
	e |= kdep_bufputs(b, "</p>\n<div class=\"cards\">\n");
	e |= card(b, st->objects, 0, "objects compiled");
	e |= card(b, st->headers, 0, "distinct headers");
	e |= card(b, st->configs, 0, "CONFIG symbols used");
	e |= card(b, st->hdrmed, 0, "headers per object, median");
	e |= card(b, st->hdrp90, 0, "headers per object, p90");
	e |= card(b, st->hdrmax, 0, "headers per object, max");
	e |= card(b, st->bytesmed, 1, "header bytes per object, median");
	e |= card(b, st->hdrbytes, 1, "header bytes, whole build");
	e |= kdep_bufputs(b, "</div>\n");

	e |= kdep_bufputs(b, "<section>\n<h2>Headers per object</h2>\n"
			     "<p class=\"sub\">How many headers each compile "
			     "reads (sources not counted).</p>\n");
	e |= histogram(b, st);
	e |= kdep_bufputs(b, "<p class=\"note\">Per object: median ");
	e |= num(b, st->hdrmed);
	e |= kdep_bufputs(b, " headers (");
	e |= bytes(b, st->bytesmed);
	e |= kdep_bufputs(b, "), 90th percentile ");
	e |= num(b, st->hdrp90);
	e |= kdep_bufputs(b, " (");
	e |= bytes(b, st->bytesp90);
	e |= kdep_bufputs(b, "), max ");
	e |= num(b, st->hdrmax);
	e |= kdep_bufputs(b, " (");
	e |= bytes(b, st->bytesmax);
	e |= kdep_bufputs(b, "). The whole build reads ");
	e |= bytes(b, st->hdrbytes);
	e |= kdep_bufputs(b, " of headers and ");
	e |= bytes(b, st->srcbytes);
	e |= kdep_bufputs(b, " of sources.</p>\n</section>\n");

	e |= kdep_bufprintf(b, "<section>\n<h2>Top %zu headers by rebuild cost"
			       "</h2>\n<p class=\"sub\">Fan-in &#215; size: "
			       "the bytes of the header the build reads, and "
			       "what a one-line edit to it costs; the top five "
			       "in orange.</p>\n",
			    st->nheaders < top ? st->nheaders : top);
	e |= costbars(b, st, top);
	e |= kdep_bufputs(b, "</section>\n<div class=\"two\">\n"
			     "<section>\n<h2>Most used CONFIG symbols</h2>\n");
	e |= configtable(b, st, top);
	e |= kdep_bufputs(b, "</section>\n<section>\n"
			     "<h2>Objects with the most headers</h2>\n");
	e |= objecttable(b, st, top);
	e |= kdep_bufputs(b, "</section>\n</div>\n<section>\n"
			     "<h2>Top headers by fan-in</h2>\n");
	e |= hdrrows(b, st->byfanin,
		     st->nheaders < top ? st->nheaders : top, NULL);
	e |= kdep_bufputs(b, "</section>\n<section class=\"all\">\n<h2>All headers</h2>\n"
			     "<p class=\"sub\">Sorted by fan-in &#215; size; "
			     "<i>rebuild reads</i> is what the compiles that "
			     "list a header read in all.  Not printed.</p>\n"
			     "<details>\n<summary>Show all ");
	e |= num(b, st->nheaders);
	e |= kdep_bufputs(b, " headers</summary>\n<div class=\"scroll\">\n");
	e |= hdrrows(b, st->bycost, st->nheaders, "all");
	e |= kdep_bufputs(b, "</div>\n</details>\n</section>\n<footer>Made by kdep report "
			     "from the build's .cmd files; sizes are the files"
			     " as they are now.</footer>\n</main>\n");
	e |= kdep_bufputs(b, script);
	e |= kdep_bufputs(b, "</body>\n</html>\n");
	return e ? KDEP_ENOMEM : 0;
}
