using System.Runtime.InteropServices;

namespace BackupMonitor.Content;

/// <summary>
/// zlib's inflate, called through zlib's documented API (zlib.h: <c>inflateInit2_</c>, <c>inflate</c>,
/// <c>inflateReset</c>, <c>inflateEnd</c>) in the system's zlib (<c>libz.so.1</c>; Debian's <c>zlib1g</c>).
/// GZipStream and DeflateStream hide whether a stream reached its end: a gzip cut short, even inside its trailer,
/// reads as a shorter file without an error. Here every call says whether the stream ended, and zlib checks gzip's
/// CRC-32 and length and zlib's Adler-32 itself. <see cref="GzipSelfTest"/> proves at start that it does.
/// </summary>
internal sealed unsafe class ZlibInflater : IDisposable
{
    public const int Gzip = 31, Zlib = 15; // windowBits: 15 + 16 = gzip header and trailer only

    public enum Result { Progress, StreamEnd, NeedInput, DataError }

    /// <summary>zlib.h's <c>z_stream</c>; <c>uLong</c> is C's <c>unsigned long</c> (64 bits on Linux, 32 on Windows).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct ZStream
    {
        public byte* NextIn;
        public uint AvailIn;
        public CULong TotalIn;
        public byte* NextOut;
        public uint AvailOut;
        public CULong TotalOut;
        public sbyte* Message;
        public nint State;
        public nint Alloc, Free, Opaque; // null: zlib's own malloc and free
        public int DataType;
        public CULong Adler;
        public CULong Reserved;
    }

    private const int Ok = 0, StreamEnd = 1, BufferError = -5, NoFlush = 0;

    private readonly ZStream* stream;

    public ZlibInflater(int windowBits)
    {
        var zlib = Library.Value ?? throw new ContentNotCheckedException($"zlib is not available: {LoadProblem}");
        stream = (ZStream*)NativeMemory.AllocZeroed((nuint)sizeof(ZStream));
        // inflateInit2() is a macro for this call: zlib refuses a z_stream of another size or another major version.
        var result = zlib.InflateInit2(stream, windowBits, zlib.Version, sizeof(ZStream));
        if (result != Ok)
        {
            NativeMemory.Free(stream);
            throw new ContentNotCheckedException($"zlib could not start inflating (inflateInit2_ returned {result})");
        }
    }

    /// <summary>zlib's words for the last data error ("incorrect data check"…).</summary>
    public string? LastMessage { get; private set; }

    /// <summary>Starts the next stream (the next gzip member) with a clean state and the same window.</summary>
    public void Reset() => Library.Value!.InflateReset(stream);

    /// <summary>
    /// Inflates from <paramref name="input"/> into <paramref name="output"/>; says how much was consumed and
    /// produced and whether the stream ended (its checksum verified), needs more input, or is broken.
    /// </summary>
    public Result Run(ReadOnlySpan<byte> input, Span<byte> output, out int consumed, out int produced)
    {
        fixed (byte* inPtr = input)
        fixed (byte* outPtr = output)
        {
            stream->NextIn = inPtr;
            stream->AvailIn = (uint)input.Length;
            stream->NextOut = outPtr;
            stream->AvailOut = (uint)output.Length;
            var code = Library.Value!.Inflate(stream, NoFlush);
            consumed = input.Length - (int)stream->AvailIn;
            produced = output.Length - (int)stream->AvailOut;
            stream->NextIn = null;
            stream->NextOut = null;
            switch (code)
            {
                case StreamEnd: return Result.StreamEnd;
                case Ok: return produced == output.Length || consumed < input.Length ? Result.Progress : Result.NeedInput;
                case BufferError: return Result.NeedInput;
                default:
                    LastMessage = stream->Message is null ? $"zlib error {code}" : new string(stream->Message);
                    return Result.DataError;
            }
        }
    }

    public void Dispose()
    {
        Library.Value!.InflateEnd(stream);
        NativeMemory.Free(stream);
    }

    /// <summary>False when no system zlib could be loaded (then <see cref="LoadProblem"/> says why).</summary>
    public static bool IsAvailable => Library.Value is not null;

    /// <summary>Why zlib could not be loaded; null when it was.</summary>
    public static string? LoadProblem { get; private set; }

    /// <summary>The loaded library's version (<c>zlibVersion()</c>), for messages.</summary>
    public static string? LoadedVersion => Library.Value is { } zlib ? new string((sbyte*)zlib.Version) : null;

    private static readonly Lazy<Exports?> Library = new(Load);

    /// <summary>The names the system's zlib goes by, per platform (the Linux soname first).</summary>
    private static IEnumerable<string> Names() =>
        OperatingSystem.IsWindows() ? ["zlib1.dll", "zlib.dll"]
        : OperatingSystem.IsMacOS() ? ["libz.1.dylib", "libz.dylib"]
        : ["libz.so.1", "libz.so"];

    private static Exports? Load()
    {
        foreach (var name in Names())
        {
            if (!NativeLibrary.TryLoad(name, out var handle)) continue;
            try
            {
                return new Exports(
                    (delegate* unmanaged<ZStream*, int, byte*, int, int>)NativeLibrary.GetExport(handle, "inflateInit2_"),
                    (delegate* unmanaged<ZStream*, int, int>)NativeLibrary.GetExport(handle, "inflate"),
                    (delegate* unmanaged<ZStream*, int>)NativeLibrary.GetExport(handle, "inflateReset"),
                    (delegate* unmanaged<ZStream*, int>)NativeLibrary.GetExport(handle, "inflateEnd"),
                    ((delegate* unmanaged<byte*>)NativeLibrary.GetExport(handle, "zlibVersion"))());
            }
            catch (EntryPointNotFoundException e)
            {
                LoadProblem = $"{name} lacks zlib's inflate functions ({e.Message})";
                return null;
            }
        }
        LoadProblem = $"none of {string.Join(", ", Names())} could be loaded (install zlib: Debian and Ubuntu zlib1g, RHEL zlib)";
        return null;
    }

    private sealed class Exports(
        delegate* unmanaged<ZStream*, int, byte*, int, int> inflateInit2,
        delegate* unmanaged<ZStream*, int, int> inflate,
        delegate* unmanaged<ZStream*, int> inflateReset,
        delegate* unmanaged<ZStream*, int> inflateEnd,
        byte* version)
    {
        public byte* Version { get; } = version;
        public int InflateInit2(ZStream* stream, int windowBits, byte* version, int size) => inflateInit2(stream, windowBits, version, size);
        public int Inflate(ZStream* stream, int flush) => inflate(stream, flush);
        public int InflateReset(ZStream* stream) => inflateReset(stream);
        public int InflateEnd(ZStream* stream) => inflateEnd(stream);
    }
}
