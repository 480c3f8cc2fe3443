using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace BackupMonitor.Dashboard.Charts;

/// <summary>One day's bar: its value (null: nothing that day), the CSS class that colours it, its tooltip, and a warning mark.</summary>
public sealed record Bar(DateTime DayUtc, double? Value, string CssClass, string Title, bool Marked = false);

/// <summary>
/// A server-rendered SVG bar chart over consecutive days: no script, colours from the stylesheet (CSP allows no
/// inline style), a title and description for screen readers, a tooltip per bar. The page puts the same figures
/// in a table beside it: the chart is never the only way to read them.
/// </summary>
public static class BarChart
{
    private const int Width = 720, Height = 180, Left = 64, Right = 8, Top = 12, Bottom = 24;

    public static IHtmlContent Render(string id, string title, string description, DateTime firstDayUtc, int days,
        IReadOnlyList<Bar> bars, Func<double, string> formatValue, double? fixedMax = null, double minStep = 1)
    {
        var html = HtmlEncoder.Default;
        var ticks = fixedMax is { } f ? [0, f / 2, f] : Ticks(bars.Where(b => b.Value is not null).Select(b => b.Value!.Value).DefaultIfEmpty(0).Max(), minStep);
        var max = ticks[^1];
        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        var slot = (double)plotWidth / days;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"""<svg class="chart" id="{id}" viewBox="0 0 {Width} {Height}" width="100%" role="img" aria-labelledby="{id}-t {id}-d" preserveAspectRatio="xMinYMin meet">""");
        svg.Append(CultureInfo.InvariantCulture, $"""<title id="{id}-t">{html.Encode(title)}</title><desc id="{id}-d">{html.Encode(description)}</desc>""");
        foreach (var tick in ticks)
        {
            var y = Top + plotHeight * (1 - tick / max);
            svg.Append(CultureInfo.InvariantCulture, $"""<line class="grid" x1="{Left}" x2="{Width - Right}" y1="{y:0.#}" y2="{y:0.#}"/>""");
            svg.Append(CultureInfo.InvariantCulture, $"""<text class="axis tick" x="{Left - 6}" y="{y + 4:0.#}" text-anchor="end">{html.Encode(formatValue(tick))}</text>""");
        }
        foreach (var bar in bars)
        {
            var index = (bar.DayUtc.Date - firstDayUtc.Date).Days;
            if (index < 0 || index >= days) continue;
            var x = Left + index * slot + slot * 0.15;
            var w = Math.Max(1, slot * 0.7);
            var value = bar.Value ?? 0;
            var h = bar.Value is null ? 3 : Math.Max(1, plotHeight * Math.Min(value, max) / max);
            svg.Append(CultureInfo.InvariantCulture,
                $"""<rect class="bar {bar.CssClass}" x="{x:0.##}" y="{Top + plotHeight - h:0.##}" width="{w:0.##}" height="{h:0.##}"><title>{html.Encode(bar.Title)}</title></rect>""");
            if (bar.Marked)
            {
                var cx = x + w / 2;
                var ty = Top + plotHeight - h - 4;
                svg.Append(CultureInfo.InvariantCulture,
                    $"""<path class="mark" d="M{cx - 4:0.##} {ty - 7:0.##} L{cx + 4:0.##} {ty - 7:0.##} L{cx:0.##} {ty:0.##} Z"><title>{html.Encode(bar.Title)}</title></path>""");
            }
        }
        foreach (var index in new[] { 0, days / 2, days - 1 })
        {
            var x = Left + index * slot + slot / 2;
            var anchor = index == 0 ? "start" : index == days - 1 ? "end" : "middle";
            svg.Append(CultureInfo.InvariantCulture,
                $"""<text class="axis" x="{x:0.#}" y="{Height - 6}" text-anchor="{anchor}">{firstDayUtc.AddDays(index):yyyy-MM-dd}</text>""");
        }
        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }

    /// <summary>
    /// The value axis: 0 and 2 to 5 round, evenly spaced ticks (a step of 1, 2 or 5 × 10ⁿ, never below
    /// <paramref name="minStep"/>), the last at or above <paramref name="largest"/> — so no two ticks ever read the same
    /// (delays of 0–1 min gave "1 min, 1 min, 0 min" with ticks at max, max/2, 0).
    /// </summary>
    public static double[] Ticks(double largest, double minStep = 1)
    {
        if (!(largest > 0)) largest = minStep;
        var rough = largest / 4;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var step = new[] { 1, 2, 5, 10 }.Select(m => m * magnitude).First(m => m >= rough);
        step = Math.Max(step, minStep);
        var count = (int)Math.Ceiling(largest / step - 1e-9);
        return Enumerable.Range(0, Math.Max(1, count) + 1).Select(i => i * step).ToArray();
    }

    /// <summary>Bytes as a person reads them: 1.2 GB, 640 MB, 12 kB (decimal units, as `ls -h --si`).</summary>
    public static string Bytes(double bytes)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB"];
        var unit = 0;
        while (bytes >= 1000 && unit < units.Length - 1)
        {
            bytes /= 1000;
            unit++;
        }
        return bytes.ToString(unit == 0 || bytes >= 100 ? "0" : "0.#", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
