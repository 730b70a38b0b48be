// Preview throughput and memory per job: the server's NetVips path (ImageProcessor: two WebP previews and a
// placeholder) against the same work in ImageSharp. One library and one size per process, so peak RSS is that
// job's alone. Single-threaded: the result is images per second per worker core.
// Usage: Concord.MediaBench <netvips|imagesharp> <megapixels> <seconds>
using System.Diagnostics;
using Concord.Server.Features.Media;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Processing;
using VipsImage = NetVips.Image;

var library = args.Length > 0 ? args[0] : "netvips";
var megapixels = args.Length > 1 ? int.Parse(args[1]) : 1;
var seconds = args.Length > 2 ? double.Parse(args[2]) : 10;
NetVips.NetVips.Concurrency = 1;

// A photo-like test image: smooth gradients plus noise (pure noise or flat colour would flatter one encoder).
var (w, h) = megapixels >= 12 ? (4000, 3000) : (1200, 834);
byte[] jpeg;
using (var xy = VipsImage.Xyz(w, h))
using (var noise = VipsImage.Gaussnoise(w, h, sigma: 20))
{
    using var r = xy[0] * (255.0 / w);
    using var g = xy[1] * (255.0 / h);
    using var rgb = r.Bandjoin(g, (r + g) / 2) + noise;
    using var img = rgb.Cast(NetVips.Enums.BandFormat.Uchar);
    jpeg = img.JpegsaveBuffer(q: 85);
}

GC.Collect();
var baseline = Process.GetCurrentProcess().WorkingSet64;
var processor = new ImageProcessor();
Action job = library switch
{
    "netvips" => () =>
    {
        foreach (var (_, box) in ImageProcessor.PreviewSizes) processor.Preview(jpeg, box);
        processor.Placeholder(jpeg);
    },
    "imagesharp" => () =>
    {
        using var image = SixLabors.ImageSharp.Image.Load(jpeg);
        foreach (var (_, box) in ImageProcessor.PreviewSizes)
        {
            using var preview = image.Clone(x => x.Resize(new ResizeOptions { Mode = ResizeMode.Max, Size = new Size(box, box) }));
            using var output = new MemoryStream();
            preview.Save(output, new WebpEncoder { Quality = 80 });
        }
        using var tiny = image.Clone(x => x.Resize(new ResizeOptions { Mode = ResizeMode.Max, Size = new Size(16, 16) }));
        using var t = new MemoryStream();
        tiny.Save(t, new WebpEncoder { Quality = 30 });
    },
    _ => throw new ArgumentException("library: netvips or imagesharp"),
};

job(); // warm-up: JIT, codec tables
var cpu = Process.GetCurrentProcess().TotalProcessorTime;
var clock = Stopwatch.StartNew();
var count = 0;
while (clock.Elapsed.TotalSeconds < seconds || count < 3)
{
    job();
    count++;
}
clock.Stop();
var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
Process.GetCurrentProcess().Refresh();
var peakMb = Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;
Console.WriteLine($"{library,-10} {megapixels,3} MP  jpeg {jpeg.Length / 1024,6} KiB  {count,5} jobs  {count / clock.Elapsed.TotalSeconds,7:F2} img/s wall  " +
    $"{count / cpuUsed.TotalSeconds,7:F2} img/s per CPU-second  {cpuUsed.TotalMilliseconds / count,8:F1} ms CPU/job  peak RSS {peakMb,6:F0} MiB, {peakMb - baseline / 1048576.0,5:F0} MiB over the process before its first job");
