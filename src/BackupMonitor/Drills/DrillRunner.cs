using BackupMonitor.Configuration;
using BackupMonitor.Content;
using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Files;
using Npgsql;

namespace BackupMonitor.Drills;

/// <summary>
/// Drills one validated backup: opens it, recognises its content, asks <see cref="DrillPlan"/> how to drill it, runs
/// that within DRILL_TIMEOUT_MINUTES (the tool killed when it runs over), and turns whatever happened into a result
/// in plain words. Its temporary folder is `&lt;BACKUP_ROOT&gt;/drills/&lt;drill id&gt;`, removed when it ends.
/// </summary>
public sealed class DrillRunner(DrillOptions options, StorageOptions storage, DrillServer server, PostgresRestore postgres)
{
    public static string FolderOf(StorageOptions storage, int drillId) => Path.Combine(DrillsFolder(storage), drillId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static string DrillsFolder(StorageOptions storage) => Path.Combine(storage.Root, "drills");

    public async Task<DrillResult> RunAsync(int drillId, BackupEntry entry, CancellationToken cancellationToken)
    {
        var path = entry.ValidatedPath is { } relative ? StorageLayout.Absolute(storage.Validated, relative) : null;
        if (path is null || !File.Exists(path))
            return DrillResult.Failed(entry.ContentFormat, $"the validated file {(entry.ValidatedPath ?? "(none)")} is not in validated storage");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        string? format = entry.ContentFormat;
        try
        {
            using var input = await Task.Run(() => DrillInput.Open(path), timeout.Token);
            format = input.Format;
            var choice = DrillPlan.Choose(new DrillFacts(input.Kind, input.Format, server.IsConfigured,
                input.Kind == DrillContent.PgDumpCustom && server.IsConfigured ? await server.PgRestoreVersionAsync(timeout.Token) : null, input.ArchiveVersion));
            return choice.Method switch
            {
                DrillMethod.Skip => new DrillResult(DrillStatus.Skipped, input.Format, Detail: choice.SkipReason, NeedsDrillServer: choice.NeedsDrillServer),
                DrillMethod.PgRestore or DrillMethod.Psql => await postgres.RunAsync(drillId, input, choice.Method, timeout.Token),
                DrillMethod.SqliteIntegrity => await FileDrills.SqliteAsync(input, FolderOf(storage, drillId), timeout.Token),
                DrillMethod.ReadTar => await Task.Run(() => FileDrills.ReadTar(input, timeout.Token), timeout.Token),
                DrillMethod.ReadZip => await Task.Run(() => FileDrills.ReadZip(input, timeout.Token), timeout.Token),
                _ => throw new ArgumentOutOfRangeException(nameof(choice)),
            };
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return DrillResult.Failed(format, $"timed out after {options.TimeoutText}");
        }
        catch (Exception e) when (e is DrillBoundException or ContentNotCheckedException)
        {
            return new DrillResult(DrillStatus.Skipped, format, Detail: e.Message);
        }
        catch (Exception e) when (e is ContentBrokenException or DrillRefusedException or DrillToolMissingException)
        {
            return DrillResult.Failed(format, e.Message);
        }
        catch (PostgresException e) when (!cancellationToken.IsCancellationRequested)
        {
            return DrillResult.Failed(format, $"drill server: {e.MessageText}");
        }
        catch (NpgsqlException e) when (!cancellationToken.IsCancellationRequested)
        {
            // The server did not answer: nothing is known about the backup; it is drilled again at the next pass.
            return new DrillResult(DrillStatus.Skipped, format, Detail: $"drill server unreachable: {e.GetBaseException().Message}", NeedsDrillServer: true);
        }
        finally
        {
            RemoveFolder(FolderOf(storage, drillId));
        }
    }

    public static void RemoveFolder(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
