using System.Text;
using BackupMonitor.Drills;

namespace BackupMonitor.Tests.Drills;

/// <summary>The filter between a plain dump and psql (SPEC §13): what passes, what is left out, what fails the drill.</summary>
public sealed class PlainDumpFilterTests
{
    private static (string Output, int Dropped) Filter(string script)
    {
        using var output = new MemoryStream();
        var filter = new PlainDumpFilter(output);
        filter.Copy(new MemoryStream(Encoding.UTF8.GetBytes(script)), CancellationToken.None);
        return (Encoding.UTF8.GetString(output.ToArray()), filter.Dropped);
    }

    [Fact]
    public void Statements_comments_and_copy_data_with_backslashes_pass_unchanged()
    {
        const string script = "--\n-- PostgreSQL database dump\n--\n\\restrict abcDEF123\n\nSET standard_conforming_strings = on;\n" +
            "CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $body$ SELECT '\\! no' $body$;\n" +
            "INSERT INTO t VALUES ('a\\b', E'it\\'s \\\\', \"we\\ird\"); -- a comment \\! here\n/* block \\copy /* nested */ \\q */ SELECT 1;\n" +
            "COPY public.t (a, b) FROM stdin;\n1\ta\\\\b\\tc\n\\N\t\\.x\n\\.\nSELECT 2;\n\\unrestrict abcDEF123\n";

        var (output, dropped) = Filter(script);

        Assert.Equal(script, output);
        Assert.Equal(0, dropped);
    }

    [Fact]
    public void Ownership_and_privilege_statements_are_left_out()
    {
        const string script = "CREATE TABLE public.t (a int);\nALTER TABLE public.t OWNER TO postgres;\nALTER LARGE OBJECT 16385 OWNER TO postgres;\n" +
            "GRANT ALL ON TABLE public.t TO app;\nREVOKE ALL ON SCHEMA public FROM PUBLIC;\nALTER DEFAULT PRIVILEGES FOR ROLE x GRANT SELECT ON TABLES TO y;\nSELECT 1;\n";

        var (output, dropped) = Filter(script);

        Assert.Equal(["CREATE TABLE public.t (a int);", "SELECT 1;"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(5, dropped);
    }

    [Theory]
    [InlineData("SELECT 1;\n\\! rm -rf /tmp/x\n", "\\!")]
    [InlineData("SELECT 1; \\copy t TO '/tmp/x'\n", "\\copy")]
    [InlineData("\\connect other\n", "\\connect")]
    [InlineData("SELECT 1 \\gexec\n", "\\gexec")]
    [InlineData("COPY t FROM stdin;\n1\n\\.\n\\i /etc/passwd\n", "\\i")]
    [InlineData("SET standard_conforming_strings = off;\nSELECT 'a\\' \\! x';\n\\o /tmp/out\n", "\\o")]
    public void A_meta_command_outside_copy_data_fails_the_drill(string script, string command)
    {
        var refused = Assert.Throws<DrillRefusedException>(() => Filter(script));

        Assert.Contains($"a psql meta-command ('{command}') outside COPY data", refused.Message);
    }

    [Fact]
    public void With_standard_conforming_strings_off_a_backslash_escapes_the_quote()
    {
        var (output, _) = Filter("SET standard_conforming_strings = off;\nINSERT INTO t VALUES ('it\\'s \\\\');\n");

        Assert.Contains("'it\\'s \\\\'", output);
    }
}
