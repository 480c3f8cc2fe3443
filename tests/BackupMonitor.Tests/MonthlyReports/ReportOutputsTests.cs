using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using BackupMonitor.Contracts;
using BackupMonitor.Tests.Api;
using BackupMonitor.Tests.Dashboard;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Tests.MonthlyReports;

/// <summary>
/// One month's report through every door of SPEC §12 on a real `serve` host: `GET /api/reports/compliance` (JSON, CSV
/// by `Accept`, one company), `reports compliance` on the command line, and the dashboard's Reports page with its
/// downloads — the same figures everywhere.
/// </summary>
public sealed class ReportOutputsTests
{
    /// <summary>
    /// October 2026 (UTC), seen on 2 November: ACME's sales at 02:00 with successes the first ten days, Initech's ledger
    /// at 03:00 with none. The jobs are registered through the API, then their watched periods moved back to
    /// 30 September (the host's fake clock does not run a month of timers for that).
    /// </summary>
    private static async Task<ApiTestHost> HostAsync()
    {
        var host = await ApiTestHost.StartAsync(time: TestClock.New(new DateTime(2026, 11, 2, 9, 0, 0, DateTimeKind.Utc)));
        var sales = await host.CreateJobAsync(ApiTestHost.JobBody("sales", hour: 2, minute: 0));
        await host.CreateJobAsync(ApiTestHost.JobBody("ledger", company: "Initech", city: "Lyon", hour: 3, minute: 0));
        await using (var scope = host.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BackupMonitor.Persistence.BackupMonitorDbContext>();
            Assert.Equal(2, await db.JobActivePeriods.ExecuteUpdateAsync(set => set.SetProperty(p => p.FromUtc, new DateTime(2026, 9, 30, 12, 0, 0, DateTimeKind.Utc))));
            for (var day = 1; day <= 10; day++)
            {
                var cycle = new DateTime(2026, 10, day, 2, 0, 0, DateTimeKind.Utc);
                db.Entries.Add(new BackupEntry
                {
                    ExpectedJobId = (int)sales["id"]!, Status = BackupEntryStatus.Success, AgentReportTimestampUtc = cycle.AddMinutes(5),
                    ExpectedCycleUtc = cycle, CreatedAtUtc = cycle.AddMinutes(6),
                });
            }
            await db.SaveChangesAsync();
        }
        return host;
    }

    [Fact]
    public async Task The_api_answers_the_json_of_the_spec_one_company_on_demand_and_the_csv_for_accept_text_csv()
    {
        await using var host = await HostAsync();

        var json = JsonNode.Parse(await host.Read.GetStringAsync("/api/reports/compliance?month=2026-10"))!;
        Assert.Equal(("2026-10", "UTC"), ((string?)json["month"], (string?)json["time_zone"]));
        Assert.Equal(["ACME", "Initech"], json["companies"]!.AsArray().Select(c => (string?)c!["company"]));
        var acme = json["companies"]![0]!;
        Assert.Equal((31, 0, 10, 0, 0, 21, 0, 32.3m), ((int)acme["expected"]!, (int)acme["excluded"]!, (int)acme["success"]!, (int)acme["content_passed"]!,
            (int)acme["drilled"]!, (int)acme["missing"]!, (int)acme["failed"]!, (decimal)acme["compliance_percent"]!));
        Assert.Equal(("ACME_Paris_Centre", "sales"), ((string?)acme["jobs"]![0]!["agent_id_responsible"], (string?)acme["jobs"]![0]!["database_name"]));

        var one = JsonNode.Parse(await host.Read.GetStringAsync("/api/reports/compliance?month=2026-10&company=Initech"))!;
        Assert.Equal(["Initech"], one["companies"]!.AsArray().Select(c => (string?)c!["company"]));
        Assert.Equal(0.0m, (decimal)one["companies"]![0]!["compliance_percent"]!);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/reports/compliance?month=2026-10");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var csv = await host.Read.SendAsync(request);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            ComplianceReportView.CsvHeader + "\r\n" +
            "2026-10,ACME,1,ACME_Paris_Centre,sales,31,0,10,0,0,21,0,32.3\r\n" +
            "2026-10,ACME,,,,31,0,10,0,0,21,0,32.3\r\n" +
            "2026-10,Initech,2,Initech_Lyon_Centre,ledger,31,0,0,0,0,31,0,0.0\r\n" +
            "2026-10,Initech,,,,31,0,0,0,0,31,0,0.0\r\n",
            await csv.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_bad_month_is_a_400_naming_it_and_the_report_needs_a_key()
    {
        await using var host = await HostAsync();

        var bad = await host.Read.GetAsync("/api/reports/compliance?month=2026-13");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("month", await bad.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Anonymous.GetAsync("/api/reports/compliance?month=2026-10")).StatusCode);
    }

    [Fact]
    public async Task The_command_line_and_the_dashboard_give_the_apis_figures()
    {
        await using var host = await HostAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/reports/compliance?month=2026-10");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var apiCsv = await (await host.Read.SendAsync(request)).Content.ReadAsStringAsync();

        Assert.Equal(apiCsv, await host.CliAsync("reports", "compliance", "--month", "2026-10", "--format", "csv"));
        var table = await host.CliAsync("reports", "compliance", "--month", "2026-10");
        Assert.Contains("Compliance 2026-10 (UTC)", table);
        Assert.Contains("32.3 %", table);
        var html = await host.CliAsync("reports", "compliance", "--month", "2026-10", "--company", "ACME", "--format", "html");
        Assert.Equal(1, html.Split("<section class=\"company\">").Length - 1);

        using var browser = new DashboardTestHost.Browser(host.App.GetTestServer().CreateHandler(), "http://localhost", "en");
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(ApiTestHost.ReadKey)).StatusCode);
        var page = await browser.PageAsync("/reports"); // the month just ended by default
        Assert.Contains("2026-10", page);
        Assert.Contains("32.3", page);
        Assert.Contains("Initech", page);
        Assert.Equal(apiCsv, await (await browser.GetAsync("/reports?month=2026-10&handler=Csv")).Content.ReadAsStringAsync());
        Assert.Equal(await host.CliAsync("reports", "compliance", "--month", "2026-10", "--format", "html"),
            await (await browser.GetAsync("/reports?month=2026-10&handler=Html")).Content.ReadAsStringAsync());
    }
}
