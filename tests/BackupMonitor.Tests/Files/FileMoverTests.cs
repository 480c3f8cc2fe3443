using BackupMonitor.Faults;
using BackupMonitor.Files;

namespace BackupMonitor.Tests.Files;

/// <summary>
/// Moves never replace a file: with renameat2(RENAME_NOREPLACE) (the usual path) and with the check-then-rename
/// path used where that flag is unsupported, a taken destination throws and leaves both files as they were.
/// </summary>
public class FileMoverTests
{
    public static TheoryData<bool> Paths => new() { true, false };

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task A_move_into_a_missing_folder_creates_it_and_renames(bool noReplace)
    {
        var folder = TestSite.NewTempFolder();
        try
        {
            var source = Path.Combine(folder, "staged.sql.gz");
            await File.WriteAllTextAsync(source, "backup");
            var destination = Path.Combine(folder, "validated", "agent", "db", "file.sql.gz");

            var outcome = await new FileMover(new FaultPoints()).MoveAsync(source, destination, null, noReplace, CancellationToken.None);

            Assert.Equal(FileMover.Outcome.Renamed, outcome);
            Assert.False(File.Exists(source));
            Assert.Equal("backup", await File.ReadAllTextAsync(destination));
        }
        finally
        {
            TestSite.DeleteFolder(folder);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task A_taken_destination_throws_and_neither_file_changes(bool noReplace)
    {
        var folder = TestSite.NewTempFolder();
        try
        {
            var source = Path.Combine(folder, "staged.sql.gz");
            var destination = Path.Combine(folder, "taken.sql.gz");
            await File.WriteAllTextAsync(source, "new");
            await File.WriteAllTextAsync(destination, "old");

            var error = await Assert.ThrowsAsync<DestinationExistsException>(() => new FileMover(new FaultPoints()).MoveAsync(source, destination, null, noReplace, CancellationToken.None));

            Assert.Equal(destination, error.Destination);
            Assert.Equal("new", await File.ReadAllTextAsync(source));
            Assert.Equal("old", await File.ReadAllTextAsync(destination));
        }
        finally
        {
            TestSite.DeleteFolder(folder);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task A_vanished_source_is_reported_as_missing(bool noReplace)
    {
        var folder = TestSite.NewTempFolder();
        try
        {
            var destination = Path.Combine(folder, "validated", "file.sql.gz");

            await Assert.ThrowsAsync<FileNotFoundException>(() => new FileMover(new FaultPoints()).MoveAsync(Path.Combine(folder, "gone.sql.gz"), destination, null, noReplace, CancellationToken.None));

            Assert.False(File.Exists(destination));
        }
        finally
        {
            TestSite.DeleteFolder(folder);
        }
    }

    [Fact]
    public void A_link_is_seen_with_its_target_and_a_regular_file_is_not_a_link()
    {
        var folder = TestSite.NewTempFolder();
        try
        {
            var file = Path.Combine(folder, "file");
            File.WriteAllText(file, "x");
            var link = Path.Combine(folder, "link");
            File.CreateSymbolicLink(link, "/nowhere/dangling");

            Assert.Null(FileLinks.TargetOf(new FileInfo(file)));
            Assert.Null(FileLinks.TargetOf(new FileInfo(Path.Combine(folder, "missing"))));
            Assert.Equal("/nowhere/dangling", FileLinks.TargetOf(new FileInfo(link)));
        }
        finally
        {
            TestSite.DeleteFolder(folder);
        }
    }
}
