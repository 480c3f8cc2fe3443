using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace BackupMonitor.Dashboard.Charts;

/// <summary>
/// Cycles as a calendar: one column per week (Monday on top), one square per day coloured as the strip colours it
/// (the strip's days, laid out by weekday; hollow where the schedule had no cycle), so weekly patterns — every Sunday missed — show at a glance.
/// </summary>
public static class CalendarChart
{
    private const int Cell = 14, Gap = 3, Left = 30, Top = 18;

    public static IHtmlContent Render(string id, string title, string description, IReadOnlyList<StripDay> cells, Func<StripDay, string> label)
    {
        var html = HtmlEncoder.Default;
        if (cells.Count == 0) return HtmlString.Empty;
        var first = cells[0].Date.ToDateTime(TimeOnly.MinValue);
        var monday = first.AddDays(-(((int)first.DayOfWeek + 6) % 7));
        var weeks = (cells[^1].Date.ToDateTime(TimeOnly.MinValue) - monday).Days / 7 + 1;
        var width = Left + weeks * (Cell + Gap);
        var height = Top + 7 * (Cell + Gap);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"""<svg class="chart calendar" id="{id}" viewBox="0 0 {width} {height}" width="{width * 2}" role="img" aria-labelledby="{id}-t {id}-d">""");
        svg.Append(CultureInfo.InvariantCulture, $"""<title id="{id}-t">{html.Encode(title)}</title><desc id="{id}-d">{html.Encode(description)}</desc>""");
        string[] days = ["Mo", "We", "Fr"];
        for (var i = 0; i < 3; i++)
            svg.Append(CultureInfo.InvariantCulture, $"""<text class="axis" x="0" y="{Top + i * 2 * (Cell + Gap) + Cell - 3}">{days[i]}</text>""");
        var lastMonth = -1;
        foreach (var cell in cells)
        {
            var day = cell.Date.ToDateTime(TimeOnly.MinValue);
            var week = (day - monday).Days / 7;
            var weekday = ((int)day.DayOfWeek + 6) % 7;
            var x = Left + week * (Cell + Gap);
            if (day.Month != lastMonth && weekday == 0 || cell == cells[0])
            {
                svg.Append(CultureInfo.InvariantCulture, $"""<text class="axis" x="{x}" y="{Top - 6}">{day:MMM}</text>""");
                lastMonth = day.Month;
            }
            svg.Append(CultureInfo.InvariantCulture,
                $"""<rect class="day {(cell.HasCycle ? StatusStyle.CssClass(cell.Status) : "st-nocycle")}" x="{x}" y="{Top + weekday * (Cell + Gap)}" width="{Cell}" height="{Cell}" rx="2"><title>{html.Encode(label(cell))}</title></rect>""");
        }
        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }
}
