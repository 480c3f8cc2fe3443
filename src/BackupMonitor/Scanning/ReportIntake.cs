using BackupMonitor.Reports;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Scanning;

/// <summary>An invalid report, to be recorded and moved to the quarantine with its `.error.txt`.</summary>
internal sealed record RejectedReport(string AgentId, string FilePath, string ContentSha256, IReadOnlyList<string> Problems, bool IsLink)
{
    public string FileName => Path.GetFileName(FilePath);
}

/// <summary>Counts and logs what reading the batch's agents found, and sorts it into valid and rejected reports.</summary>
internal static class ReportIntake
{
    public static (List<CollectedReport> Valid, List<RejectedReport> Rejected) Sort(
        IEnumerable<ReportReader.AgentReports> agents, ScanSummary summary, int minFileAgeSeconds, ILogger logger)
    {
        var valid = new List<CollectedReport>();
        var rejected = new List<RejectedReport>();
        foreach (var agent in agents)
        {
            if (agent.SkippedLinkFolder is { } folder)
                logger.LogWarning("Skipping {Folder}: it is a symbolic link, and links under staging are never followed", folder);
            if (agent.FolderError is { } folderError)
                logger.LogError("The reports of agent {Agent} could not be listed: {Error}; they stay in staging for the next scan", agent.AgentId, folderError.Message);
            foreach (var found in agent.Reports)
            {
                if (found is ReportReader.Found.Deferred)
                {
                    summary.ReportsDeferred++;
                    logger.LogDebug("Report {Path} was modified less than {Seconds} s ago; left for a later scan", found.Path, minFileAgeSeconds);
                    continue;
                }
                summary.ReportsRead++;
                switch (found)
                {
                    case ReportReader.Found.Valid read:
                        valid.Add(read.Report);
                        break;
                    case ReportReader.Found.Invalid invalid:
                        summary.ReportsInvalid++;
                        logger.LogWarning("Invalid report {Agent}/log/{File}: {Problems}; moved to the quarantine", agent.AgentId, Path.GetFileName(invalid.Path), string.Join("; ", invalid.Problems));
                        rejected.Add(new RejectedReport(agent.AgentId, invalid.Path, invalid.ContentSha256, invalid.Problems, invalid.IsLink));
                        break;
                    case ReportReader.Found.Vanished:
                        logger.LogWarning("Report {Path} vanished while it was being read; it will be read by a later scan if it comes back", found.Path);
                        break;
                    case ReportReader.Found.Unreadable unreadable:
                        logger.LogError("Report {Path} could not be handled: {Error}; it stays in staging for the next scan", found.Path, unreadable.Error.GetBaseException().Message);
                        break;
                }
            }
        }
        return (valid, rejected);
    }
}
