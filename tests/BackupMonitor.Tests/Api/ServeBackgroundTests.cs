using BackupMonitor.Api;
using BackupMonitor.Notifications;
using BackupMonitor.Scanning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BackupMonitor.Tests.Api;

/// <summary>
/// `serve`'s background loops on the fake clock. Each loop starts on its own thread, so a test first waits for the
/// loop's timer; each step then advances the clock to one tick and waits (polling, with a deadline) for what that tick
/// must cause before asserting, so a loop that ticks late, early or not at all fails.
/// </summary>
public sealed class ServeBackgroundTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Serve_scans_at_start_and_then_every_interval()
    {
        var time = TestClock.New();
        var delivery = new CountingNoticeDelivery();
        await using var host = await ApiTestHost.StartAsync(s => s.AddSingleton<INoticeDelivery>(delivery), time, background: true,
            changeSettings: s => s["SCAN_INTERVAL_SECONDS"] = "600");
        var scans = host.App.Services.GetRequiredService<ScanService>();
        await Eventually(() => ScanStarts(host).Count == 1 && !scans.IsRunning, "the scan at start, over");
        await Eventually(() => time.TimerPeriods.Contains(NoticeDeliveryLoop.Interval), "the delivery loop listening to the clock");

        time.Advance(TimeSpan.FromSeconds(599));
        // The host has lived through those 599 s: the delivery loop woke and ran its pass, and no scan is under way.
        await Eventually(() => delivery.Passes.Contains(DeliveryPass.Due) && !scans.IsRunning, "the delivery loop's pass at 599 s, and no scan running");
        Assert.Equal(1, host.Db(db => db.ScanRuns.Count()));

        time.Advance(TimeSpan.FromSeconds(1));
        await Eventually(() => ScanStarts(host).Count == 2, "the scan of the tick at 600 s");
        Assert.Equal([TestClock.DefaultStart, TestClock.DefaultStart.AddSeconds(600)], ScanStarts(host));
    }

    [Fact]
    public async Task Serve_delivers_due_notices_between_scans()
    {
        var time = TestClock.New();
        var delivery = new CountingNoticeDelivery();
        await using var host = await ApiTestHost.StartAsync(s => s.AddSingleton<INoticeDelivery>(delivery), time, background: true,
            changeSettings: s => s["SCAN_INTERVAL_SECONDS"] = "86400");
        var scans = host.App.Services.GetRequiredService<ScanService>();
        await Eventually(() => host.Db(db => db.ScanRuns.Count()) == 1 && delivery.Calls == 1 && !scans.IsRunning, "the start scan, which delivers once");
        await Eventually(() => time.TimerPeriods.Contains(NoticeDeliveryLoop.Interval), "the delivery loop listening to the clock");

        for (var pass = 2; pass <= 3; pass++)
        {
            time.Advance(NoticeDeliveryLoop.Interval);
            await Eventually(() => delivery.Calls == pass, $"delivery pass {pass}, of the tick at {30 * (pass - 1)} s");
        }
        Assert.Equal([DeliveryPass.EveryPending, DeliveryPass.Due, DeliveryPass.Due], delivery.Passes); // the start scan's, then the loop's
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

    private static List<DateTime> ScanStarts(ApiTestHost host) =>
        host.Db(db => db.ScanRuns.OrderBy(r => r.Id).Select(r => r.StartedAtUtc).ToList());

    /// <summary>Polls until the condition holds; fails, naming <paramref name="what"/>, if the deadline (wall clock) passes first.</summary>
    private static async Task Eventually(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, $"not seen before the deadline: {what}");
            await Task.Delay(20);
        }
    }
}
