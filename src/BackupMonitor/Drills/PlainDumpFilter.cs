using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace BackupMonitor.Drills;

/// <summary>
/// Copies a plain pg_dump SQL script to psql, refusing what a backup from a site must not do to the drill server
/// (SPEC §13): any backslash meta-command outside COPY data other than pg_dump's own `\restrict` / `\unrestrict`
/// fails the drill (psql would run `\!` in a shell, `\copy` on our files, `\connect` elsewhere), and ownership and
/// privilege statements (`… OWNER TO`, `GRANT`, `REVOKE`, `ALTER DEFAULT PRIVILEGES`) are left out, as
/// `pg_restore --no-owner --no-acl` leaves them out of archives.
/// <para>
/// The script is lexed as psql lexes it, so that a backslash inside a string, a quoted identifier, a dollar-quoted
/// body or a comment is data, not a command: SQL text is held one statement at a time (up to its `;`), COPY data is
/// streamed line by line to its `\.`. Only statement text is held in memory, never the dump.
/// </para>
/// </summary>
public sealed partial class PlainDumpFilter(Stream output)
{
    /// <summary>A statement longer than this fails the drill rather than filling memory.</summary>
    public const int MaxStatementBytes = 256 * 1024 * 1024;

    private enum Lex { Normal, LineComment, BlockComment, Quote, EscapeQuote, Identifier, Dollar }

    private readonly MemoryStream statement = new();
    private Lex state = Lex.Normal;
    private int commentDepth;
    private byte[] dollarTag = [];
    private bool standardStrings = true;
    private bool inCopy;
    private long line;
    private int dropped;

    /// <summary>Ownership and privilege statements left out.</summary>
    public int Dropped => dropped;

    [GeneratedRegex(@"^(GRANT|REVOKE)\s|^ALTER\s+DEFAULT\s+PRIVILEGES\s|^ALTER\s+[A-Z ]+?\s.+\sOWNER\s+TO\s+\S+\s*;\s*$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Privileges();

    [GeneratedRegex(@"^COPY\s.+\sFROM\s+stdin\s*;\s*$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex CopyFromStdin();

    [GeneratedRegex(@"^SET\s+standard_conforming_strings\s*(=|TO)\s*'?(on|off)'?\s*;", RegexOptions.IgnoreCase)]
    private static partial Regex StandardStrings();

    [GeneratedRegex(@"^\s*\\(restrict|unrestrict)\s+[A-Za-z0-9]+\s*$")]
    private static partial Regex RestrictLine();

    public void Copy(Stream input, CancellationToken cancellationToken)
    {
        var reader = new LineReader(input);
        while (reader.Next() is { } piece)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (piece.LineStart) line++;
            if (inCopy)
            {
                if (piece.LineStart && piece.Complete && IsEndOfCopy(piece.Bytes.Span)) inCopy = false;
                output.Write(piece.Bytes.Span);
                continue;
            }
            if (!piece.Complete && piece.LineStart && piece.Bytes.Length == 0) continue;
            LexLine(piece);
        }
        if (statement.Length > 0) FlushStatement();
    }

    private static bool IsEndOfCopy(ReadOnlySpan<byte> lineBytes) => lineBytes.TrimEnd("\r\n"u8).SequenceEqual("\\."u8);

    private void LexLine(LinePiece piece)
    {
        var bytes = piece.Bytes.Span;
        if (piece.LineStart && piece.Complete && state == Lex.Normal && bytes.IndexOf((byte)'\\') >= 0 && IsBlank(statement)
            && RestrictLine().IsMatch(Encoding.UTF8.GetString(bytes)))
        {
            FlushStatement();
            output.Write(piece.Bytes.Span);
            return;
        }
        var from = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            switch (state)
            {
                case Lex.Normal:
                    if (b == '\\')
                        throw new DrillRefusedException($"line {line}: a psql meta-command ('{MetaCommand(bytes[i..])}') outside COPY data; a drill never runs one");
                    if (b == '-' && Next(bytes, i) == '-') { state = Lex.LineComment; i++; }
                    else if (b == '/' && Next(bytes, i) == '*') { state = Lex.BlockComment; commentDepth = 1; i++; }
                    else if (b == '\'') state = !standardStrings || IsEscapePrefix(bytes, i) ? Lex.EscapeQuote : Lex.Quote;
                    else if (b == '"') state = Lex.Identifier;
                    else if (b == '$' && DollarTag(bytes, i) is { } tag) { state = Lex.Dollar; dollarTag = tag; i += tag.Length - 1; }
                    else if (b == ';')
                    {
                        statement.Write(bytes[from..(i + 1)]);
                        from = i + 1;
                        FlushStatement();
                    }
                    break;
                case Lex.LineComment:
                    if (b == '\n') state = Lex.Normal;
                    break;
                case Lex.BlockComment:
                    if (b == '*' && Next(bytes, i) == '/') { i++; if (--commentDepth == 0) state = Lex.Normal; }
                    else if (b == '/' && Next(bytes, i) == '*') { i++; commentDepth++; }
                    break;
                case Lex.Quote:
                    if (b == '\'') state = Lex.Normal; // '' is two quotes in a row: out, then in again
                    break;
                case Lex.EscapeQuote:
                    if (b == '\\') i++;
                    else if (b == '\'') state = Lex.Normal;
                    break;
                case Lex.Identifier:
                    if (b == '"') state = Lex.Normal;
                    break;
                case Lex.Dollar:
                    if (b == '$' && bytes[i..].StartsWith(dollarTag)) { i += dollarTag.Length - 1; state = Lex.Normal; }
                    break;
            }
        }
        statement.Write(bytes[from..]);
        if (statement.Length > MaxStatementBytes)
            throw new DrillRefusedException($"line {line}: a statement longer than {MaxStatementBytes / (1024 * 1024)} MiB; not drilled");
        // Comments and blank lines between statements go through at once (and never hold a COPY's data back).
        if (state == Lex.Normal && piece.Complete && IsBlankOrComment()) FlushStatement();
    }

    /// <summary>Writes the statement held (or leaves it out), and notes what it changes for the lines after it.</summary>
    private void FlushStatement()
    {
        if (statement.Length == 0) return;
        var buffer = statement.GetBuffer().AsMemory(0, (int)statement.Length);
        var text = Code(Encoding.UTF8.GetString(buffer.Span));
        if (Privileges().IsMatch(text)) dropped++;
        else
        {
            output.Write(buffer.Span);
            if (CopyFromStdin().IsMatch(text)) inCopy = true;
            else if (StandardStrings().Match(text) is { Success: true } set) standardStrings = set.Groups[2].Value.Equals("on", StringComparison.OrdinalIgnoreCase);
        }
        statement.SetLength(0);
    }

    /// <summary>The statement without the comments and blank lines before it.</summary>
    private static string Code(string statement)
    {
        var text = statement.TrimStart();
        while (text.StartsWith("--", StringComparison.Ordinal))
        {
            var end = text.IndexOf('\n');
            text = end < 0 ? "" : text[(end + 1)..].TrimStart();
        }
        return text;
    }

    private bool IsBlankOrComment() => Code(Encoding.UTF8.GetString(statement.GetBuffer(), 0, (int)statement.Length)).Length == 0;

    private static bool IsBlank(MemoryStream held) => held.GetBuffer().AsSpan(0, (int)held.Length).Trim(" \t\r\n"u8).IsEmpty;

    private static int Next(ReadOnlySpan<byte> bytes, int i) => i + 1 < bytes.Length ? bytes[i + 1] : -1;

    private static bool IsIdentifierByte(byte b) => b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'_' or >= 0x80;

    /// <summary>`E'…'` (and `e'…'`): backslash escapes apply inside.</summary>
    private static bool IsEscapePrefix(ReadOnlySpan<byte> bytes, int quote) =>
        quote > 0 && bytes[quote - 1] is (byte)'E' or (byte)'e' && (quote < 2 || !IsIdentifierByte(bytes[quote - 2]));

    /// <summary>`$$` or `$tag$` starting at <paramref name="i"/> (not a `$1` parameter nor part of an identifier).</summary>
    private static byte[]? DollarTag(ReadOnlySpan<byte> bytes, int i)
    {
        if (i > 0 && IsIdentifierByte(bytes[i - 1])) return null;
        var j = i + 1;
        if (j < bytes.Length && bytes[j] is >= (byte)'0' and <= (byte)'9') return null;
        while (j < bytes.Length && IsIdentifierByte(bytes[j])) j++;
        return j < bytes.Length && bytes[j] == '$' ? bytes[i..(j + 1)].ToArray() : null;
    }

    private static string MetaCommand(ReadOnlySpan<byte> rest)
    {
        var end = rest.IndexOfAny(" \t\r\n"u8);
        var word = Encoding.UTF8.GetString(end < 0 ? rest[..Math.Min(rest.Length, 20)] : rest[..Math.Min(end, 20)]);
        return word;
    }

    /// <summary>A piece of a line: the whole line with its `\n` when it fits the buffer, else pieces of it.</summary>
    private readonly record struct LinePiece(ReadOnlyMemory<byte> Bytes, bool LineStart, bool Complete);

    /// <summary>Reads lines of any length in pieces of at most 1 MiB; SQL text is held by the statement buffer, COPY data is not.</summary>
    private sealed class LineReader(Stream input)
    {
        private readonly byte[] buffer = new byte[1 << 20];
        private int start, end;
        private bool atLineStart = true, eof;

        public LinePiece? Next()
        {
            while (true)
            {
                var newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
                if (newline >= 0)
                {
                    var piece = new LinePiece(buffer.AsMemory(start, newline + 1), atLineStart, atLineStart);
                    start += newline + 1;
                    atLineStart = true;
                    return piece with { Complete = piece.LineStart };
                }
                if (eof)
                {
                    if (start == end) return null;
                    var last = new LinePiece(buffer.AsMemory(start, end - start), atLineStart, atLineStart);
                    start = end;
                    atLineStart = true;
                    return last;
                }
                if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }
                if (end == buffer.Length)
                {
                    // A line longer than the buffer: hand it on in pieces.
                    var piece = new LinePiece(buffer.AsMemory(0, end).ToArray(), atLineStart, false);
                    start = end = 0;
                    atLineStart = false;
                    return piece;
                }
                var read = input.Read(buffer.AsSpan(end));
                if (read == 0) eof = true;
                end += read;
            }
        }
    }
}

/// <summary>A backup asks a drill to do what a drill never does (a psql meta-command): the drill fails saying so.</summary>
public sealed class DrillRefusedException(string message) : Exception(message);
