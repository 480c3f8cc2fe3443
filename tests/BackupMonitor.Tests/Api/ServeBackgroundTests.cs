using BackupMonitor.Notifications;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace BackupMonitor.Tests.Api;

public sealed class ServeBackgroundTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Serve_scans_at_start_and_then_every_interval()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await ApiTestHost.StartAsync(time: time, background: true, changeSettings: s => s["SCAN_INTERVAL_SECONDS"] = "600");
        await Eventually(() => host.Db(db => db.ScanRuns.Count()) == 1);
        time.Advance(TimeSpan.FromSeconds(599));
        Assert.Equal(1, host.Db(db => db.ScanRuns.Count()));
        await Eventually(() => host.Db(db => db.ScanRuns.Count()) == 2, () => time.Advance(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Serve_delivers_due_notices_between_scans()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var delivery = new CountingNoticeDelivery();
        await using var host = await ApiTestHost.StartAsync(s => s.AddSingleton<INoticeDelivery>(delivery), time, background: true,
            changeSettings: s => s["SCAN_INTERVAL_SECONDS"] = "86400");
        await Eventually(() => host.Db(db => db.ScanRuns.Count()) == 1 && delivery.Calls == 1); // the start scan delivers once
        await Eventually(() => delivery.Calls >= 3, () => time.Advance(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, host.Db(db => db.ScanRuns.Count()));
    }

    [Fact]
    public async Task Shutdown_waits_for_the_scan_in_progress_and_does_not_cancel_it()
    {
        var delivery = new HeldNoticeDelivery();
        await using var host = await ApiTestHost.StartAsync(s => s.AddSingleton<INoticeDelivery>(delivery), background: true);
        await delivery.Entered.Task.WaitAsync(Deadline); // the start scan is in its delivery step

        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.App.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() => stopping.TrySetResult());
        var stop = host.App.StopAsync();
        await stopping.Task.WaitAsync(Deadline);
        Assert.False(stop.IsCompleted);

        delivery.Release.SetResult();
        await stop.WaitAsync(Deadline);
        Assert.False(delivery.SawCancellation);
        Assert.Equal(1, host.Db(db => db.ScanRuns.Count()));
    }

    /// <summary>Polls (doing <paramref name="step"/> between tries) until the condition holds or the deadline passes.</summary>
    private static async Task Eventually(Func<bool> condition, Action? step = null)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "condition not met before the deadline");
            step?.Invoke();
            await Task.Delay(20);
        }
    }
}
