using System.Text;
using BackupMonitor.Content;

namespace BackupMonitor.Tests.Content;

/// <summary>Formats are recognised from their first bytes alone (SPEC §5.1), never from a name.</summary>
public class FormatSnifferTests
{
    private static BackupFormat? Of(string text) => FormatSniffer.Identify(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Magic_numbers_name_the_compressors_and_archives()
    {
        Assert.Equal(BackupFormat.Gzip, FormatSniffer.Identify([0x1F, 0x8B, 0x08, 0x00]));
        Assert.Equal(BackupFormat.Zstd, FormatSniffer.Identify([0x28, 0xB5, 0x2F, 0xFD, 0x04]));
        Assert.Equal(BackupFormat.Xz, FormatSniffer.Identify([0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00, 0x00]));
        Assert.Equal(BackupFormat.Bzip2, Of("BZh91AY&SY"));
        Assert.Null(Of("BZh0"));
        Assert.Equal(BackupFormat.Zip, Of("PK\u0003\u0004rest"));
        Assert.Equal(BackupFormat.PgDumpCustom, Of("PGDMP\u0001\u000e\u0000"));
        var tar = new byte[512];
        "ustar"u8.CopyTo(tar.AsSpan(257));
        Assert.Equal(BackupFormat.Tar, FormatSniffer.Identify(tar));
    }

    [Theory]
    [InlineData("--\n-- PostgreSQL database dump\n--\n", BackupFormat.PostgresSql)]
    [InlineData("\uFEFF--\r\n-- PostgreSQL database dump\r\n--\r\n", BackupFormat.PostgresSql)]
    [InlineData("--\n-- PostgreSQL database cluster dump\n--\n", BackupFormat.PostgresClusterSql)]
    [InlineData("-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n", BackupFormat.MysqlSql)]
    [InlineData("/*M!999999\\- enable the sandbox mode */ \n-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB\n", BackupFormat.MariadbSql)]
    public void Plain_sql_dumps_are_recognised_by_their_tools_header_comment(string head, BackupFormat expected)
    {
        Assert.Equal(expected, Of(head));
    }

    [Theory]
    [InlineData("-- PostgreSQL database dump complete\n")]     // a completion line is not a header
    [InlineData("-- dump of sales\nCREATE TABLE t (id int);\n")] // no tool named
    [InlineData("SELECT 1;\n-- PostgreSQL database dump\n")]    // not a comment-first SQL file
    [InlineData("")]
    public void Anything_else_is_not_recognised(string head)
    {
        Assert.Null(Of(head));
    }

    [Fact]
    public void A_header_comment_beyond_the_first_lines_is_not_looked_for()
    {
        Assert.Null(Of(string.Concat(Enumerable.Repeat("--\n", 20)) + "-- PostgreSQL database dump\n"));
    }
}
