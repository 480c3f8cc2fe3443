using System.Runtime.InteropServices;

namespace BackupMonitor.Content;

/// <summary>
/// zlib's inflate, called through the .NET runtime's own native compression library (the one GZipStream uses).
/// GZipStream and DeflateStream hide whether a stream reached its end: a gzip cut short, even inside its
/// trailer, reads as a shorter file without an error. Here every call says whether the stream ended, and
/// zlib checks gzip's CRC-32 and length and zlib's Adler-32 itself.
/// </summary>
internal sealed unsafe class ZlibInflater : IDisposable
{
    public const int Gzip = 31, Zlib = 15; // windowBits: 15 + 16 = gzip header and trailer only

    public enum Result { Progress, StreamEnd, NeedInput, DataError }

    [StructLayout(LayoutKind.Sequential)]
    private struct PalZStream
    {
        public byte* NextIn;
        public byte* NextOut;
        public sbyte* Message;
        public nint InternalState;
        public uint AvailIn;
        public uint AvailOut;
    }

    private const string Library = "libSystem.IO.Compression.Native";
    private const int Ok = 0, StreamEnd = 1, BufferError = -5, NoFlush = 0;

    [DllImport(Library, EntryPoint = "CompressionNative_InflateInit2_")]
    private static extern int InflateInit2(PalZStream* stream, int windowBits);

    [DllImport(Library, EntryPoint = "CompressionNative_Inflate")]
    private static extern int Inflate(PalZStream* stream, int flush);

    [DllImport(Library, EntryPoint = "CompressionNative_InflateReset2_")]
    private static extern int InflateReset2(PalZStream* stream, int windowBits);

    [DllImport(Library, EntryPoint = "CompressionNative_InflateEnd")]
    private static extern int InflateEnd(PalZStream* stream);

    private readonly PalZStream* stream;
    private readonly int windowBits;

    public ZlibInflater(int windowBits)
    {
        this.windowBits = windowBits;
        stream = (PalZStream*)NativeMemory.AllocZeroed((nuint)sizeof(PalZStream));
        var result = InflateInit2(stream, windowBits);
        if (result != Ok)
        {
            NativeMemory.Free(stream);
            throw new InvalidOperationException($"zlib could not start (error {result})");
        }
    }

    /// <summary>zlib's words for the last data error ("incorrect data check"…).</summary>
    public string? LastMessage { get; private set; }

    /// <summary>Starts the next stream (the next gzip member) with a clean state.</summary>
    public void Reset() => InflateReset2(stream, windowBits);

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
            var code = Inflate(stream, NoFlush);
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
        InflateEnd(stream);
        NativeMemory.Free(stream);
    }

    /// <summary>False when this runtime does not ship the library (then gzip content is not checked).</summary>
    public static bool IsAvailable { get; } = Probe();

    private static bool Probe()
    {
        try
        {
            using var probe = new ZlibInflater(Gzip);
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }
}
