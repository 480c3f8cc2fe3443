using System.Diagnostics;

namespace BackupMonitor.Tests.Cli;

/// <summary>The built program, run as a real process: `backupmonitor demo` from end to end.</summary>
public class ExecutableTests
{
    [Fact]
    public async Task Demo_runs_as_a_real_process_and_prints_the_status_table()
    {
        var folder = TestSite.NewTempFolder();
        try
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "backupmonitor.dll");
            Assert.True(File.Exists(dll), $"{dll} should be copied next to the tests");
            var start = new ProcessStartInfo(System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = folder,
            };
            foreach (var arg in new[] { dll, "demo", "--dir", Path.Combine(folder, "demo") }) start.ArgumentList.Add(arg);

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var stdout = await output;

            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await error}");
            var lines = stdout.Split('\n');
            Assert.Contains(lines, l => l.StartsWith("ID  COMPANY") && l.Contains("STATUS"));
            foreach (var (database, status) in new[] { ("sales", "ok"), ("hr", "failed"), ("stock", "hash_mismatch"), ("crm", "transfer_integrity_failed"), ("erp", "missing"), ("ledger", "corrupt") })
                Assert.Contains(lines, l => l.Contains($" {database} ") && l.Contains($" {status} "));
            Assert.Contains("Entries created: 7", stdout);
            // The SQLite backup among the successes is drilled after the scan (SPEC §8); the PostgreSQL dump says how to enable its drill.
            Assert.Contains(lines, l => l.Contains(" passed ") && l.Contains(" gzip+sqlite ") && l.Contains(" 253"));
            Assert.Contains("DRILL_POSTGRES_CONNECTION_STRING", stdout);
            Assert.True(File.Exists(Path.Combine(folder, "demo", "data", "backupmonitor.db")));
        }
        finally
        {
            TestSite.DeleteFolder(folder);
        }
    }
}
