# frozen_string_literal: true

# tokbench's Homebrew formula, in the form a tap holds: this repository is
# the tap (docs/howto-mac.md).  url, version and sha256 are the release
# tarball's, written by `make formula` from make dist's reproducible
# tarball at a release; the rest is written by hand.  No license: none has
# been chosen yet (debian/copyright).
class Tokbench < Formula
  desc "Measure local LLM inference servers with Unix filters"
  homepage "https://github.com/tokbench/tokbench"
  url "https://github.com/tokbench/tokbench/releases/download/3518a9d/tokbench-3518a9d.tar.gz"
  version "3518a9d"
  sha256 "0fbe8b548d49eaa76dc21e28bf783c340148b5aaba94a93c5eea11d8ae795607"
  head "https://github.com/tokbench/tokbench.git", branch: "main"

  # The Makefile's pkg-config dependencies (libcurl, libcjson, libevent)
  # and libcsv, which has no pkg-config file; macOS's own libcurl serves.
  depends_on "pkgconf" => :build
  depends_on "cjson"
  depends_on "libcsv"
  depends_on "libevent"
  uses_from_macos "curl"

  def install
    system "make", "install", "PREFIX=#{prefix}"
  end

  def caveats
    <<~EOS
      The tools are installed as tokbench-gen, tokbench-agg, tokbench-report,
      tokbench-llmsim and so on, each with its manual page (man tokbench-gen).
      The prompt sets are in #{opt_pkgshare}/prompts.
      tokbench-report draws its charts with gnuplot: brew install gnuplot
    EOS
  end

  # A short pipeline against the simulator: llmsim on a port the system
  # picks (--port 0; it prints its URL once it listens), one of its
  # installed profiles without the simulated load, gen | agg.
  test do
    # the tag's describe: "v0.1.0" for the formula's version 0.1.0
    assert_match(/^tokbench-gen v?#{Regexp.escape(version.to_s)}$/,
                 shell_output("#{bin}/tokbench-gen --version"))
    llmsim = IO.popen(["#{bin}/tokbench-llmsim", "--port", "0",
                       "-P", "qwen3-coder-next-q2_k", "--load-time", "0"])
    begin
      url = llmsim.gets.chomp
      events = pipe_output("#{bin}/tokbench-gen -u #{url} -m sim --max-tokens 16",
                           (pkgshare/"prompts/std.json").read, 0)
      run = JSON.parse(pipe_output("#{bin}/tokbench-agg", events, 0))
      assert_equal 0, run["requests"]["failed"]
      assert_operator run["requests"]["ok"], :>, 0
      assert_operator run["metrics"]["decode_tps"]["mean"], :>, 0
    ensure
      Process.kill("TERM", llmsim.pid)
      Process.wait(llmsim.pid)
    end
  end
end
