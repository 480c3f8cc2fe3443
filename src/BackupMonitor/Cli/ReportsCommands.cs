using System.CommandLine;
using BackupMonitor.Contracts;
using BackupMonitor.Decisions;
using BackupMonitor.MonthlyReports;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Cli;

/// <summary>`reports compliance --month YYYY-MM [--company C] [--format table|json|csv|html]` (SPEC §12).</summary>
internal static class ReportsCommands
{
    public static Command Build(CliContext context)
    {
        var reports = new Command("reports", "Reports on the backups");
        reports.Subcommands.Add(Compliance(context));
        return reports;
    }

    private static Command Compliance(CliContext context)
    {
        var month = new Option<string>("--month") { Description = "the month, YYYY-MM, in REPORT_TIME_ZONE", Required = true };
        var company = new Option<string?>("--company") { Description = "only this company (exact name)" };
        var format = new Option<string>("--format") { Description = "table (default), json, csv or html (one printable page per company)", DefaultValueFactory = _ => "table" }
            .AcceptOnlyFromAmong("table", "json", "csv", "html");
        var command = new Command("compliance", "Each company's compliance for a month: expected cycles, excluded by maintenance, successes, content checked, drilled, missing, failed")
            { month, company, format };
        command.SetAction(async (parse, ct) =>
        {
            var (wanted, problem) = ReportMonth.Parse(parse.GetValue(month));
            if (wanted is null) throw new CommandFailedException(problem!);
            await using var services = await context.StartAsync(ct);
            await using var scope = services.CreateAsyncScope();
            var report = await scope.ServiceProvider.GetRequiredService<ComplianceReports>().MonthAsync(wanted.Value, parse.GetValue(company), ct);
            var view = ComplianceReportView.Of(report);
            switch (parse.GetValue(format))
            {
                case "json": Json.Write(context.Out, view); break;
                case "csv": await context.Out.WriteAsync(view.ToCsv()); break;
                case "html": await context.Out.WriteAsync(scope.ServiceProvider.GetRequiredService<ReportPage>().Html(report)); break;
                default: WriteTable(context.Out, view); break;
            }
            return CliApp.Done;
        });
        return command;
    }

    private static void WriteTable(TextWriter output, ComplianceReportView view)
    {
        output.WriteLine($"Compliance {view.Month} ({view.TimeZone})");
        static string Pct(decimal? p) => p is { } v ? ComplianceReportView.Percent(v) + " %" : "-";
        Table.Write(output, ["COMPANY", "JOB", "AGENT", "DATABASE", "EXPECTED", "EXCLUDED", "SUCCESS", "CONTENT", "DRILLED", "MISSING", "FAILED", "COMPLIANCE"],
            view.Companies.SelectMany(c => c.Jobs.Select(j => new[]
            {
                c.Company, j.JobId.ToString(), j.AgentIdResponsible, j.DatabaseName, j.Expected.ToString(), j.Excluded.ToString(), j.Success.ToString(),
                j.ContentPassed.ToString(), j.Drilled.ToString(), j.Missing.ToString(), j.Failed.ToString(), Pct(j.CompliancePercent),
            }).Append(
            [
                c.Company, "total", "", "", c.Expected.ToString(), c.Excluded.ToString(), c.Success.ToString(), c.ContentPassed.ToString(),
                c.Drilled.ToString(), c.Missing.ToString(), c.Failed.ToString(), Pct(c.CompliancePercent),
            ])));
    }
}
