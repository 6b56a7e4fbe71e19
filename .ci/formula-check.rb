# frozen_string_literal: true

# formula-check.rb: the Homebrew formula's install and test blocks, run on
# Linux from the release tarball, under a stand-in for the few methods of
# Homebrew's formula DSL that Formula/tokbench.rb uses.  Homebrew cannot
# run here; this runs what the formula would (make install with PREFIX,
# then its test's pipeline against llmsim), so a mistake in either shows
# before a Mac user meets it.  It proves nothing of Homebrew itself (its
# build environment, the dependencies, the sandbox, brew audit).  The
# formula's sha256 must be the tarball's, as make formula writes it.
#   ruby .ci/formula-check.rb Formula/tokbench.rb dist/tokbench-V.tar.gz
require "digest"
require "fileutils"
require "json"
require "minitest"
require "pathname"
require "tmpdir"

# The stand-in: class methods record what the formula declares; instance
# methods are Homebrew's names for the paths and helpers the blocks use.
class Formula
  include Minitest::Assertions
  attr_accessor :assertions

  class << self
    attr_reader :url_s, :sha256_s, :version_s, :test_block

    def desc(_text) = nil
    def homepage(_url) = nil
    def head(_url, **_opts) = nil
    def depends_on(_dep) = nil
    def uses_from_macos(_dep) = nil
    def url(url, **_opts) = (@url_s = url)
    def sha256(sum) = (@sha256_s = sum)
    def version(ver) = (@version_s = ver)
    def test(&block) = (@test_block = block)
  end

  def initialize(prefix)
    @prefix = Pathname(prefix)
    self.assertions = 0
  end

  attr_reader :prefix

  def bin = prefix/"bin"
  def share = prefix/"share"
  def pkgshare = share/"tokbench"
  def opt_pkgshare = pkgshare
  def version = self.class.version_s

  def system(*args)
    puts "==> #{args.join(" ")}"
    Kernel.system(*args) || raise("formula-check: failed: #{args.join(" ")}")
  end

  # As Homebrew's: stderr with stdout, the exit status asserted.
  def shell_output(cmd, result = 0)
    puts "==> #{cmd}"
    out = `#{cmd} 2>&1`
    assert_equal result, $?.exitstatus
    out
  end

  def pipe_output(cmd, input = nil, result = nil)
    puts "==> #{cmd}"
    out = IO.popen(cmd, "w+") do |pipe|
      pipe.write(input) unless input.nil?
      pipe.close_write
      pipe.read
    end
    assert_equal result, $?.exitstatus unless result.nil?
    out
  end
end

abort "usage: ruby .ci/formula-check.rb FORMULA TARBALL" if ARGV.length != 2
formula_file, tarball = ARGV.map { |f| File.expand_path(f) }
load formula_file
klass = Formula.subclasses.first
unless klass.sha256_s == Digest::SHA256.file(tarball).hexdigest
  abort "formula-check: the formula's sha256 is not #{File.basename(tarball)}'s " \
        "(make formula FORMULA=copy.rb writes one that is)"
end

Dir.mktmpdir("tb-formula") do |tmp|
  formula = klass.new(File.join(tmp, "Cellar", "tokbench", klass.version_s))
  Dir.chdir(tmp) { Kernel.system("tar", "-xzf", tarball) || abort("tar failed") }
  src = Dir.glob(File.join(tmp, "tokbench-*")).first
  Dir.chdir(src) { formula.install }
  FileUtils.rm_rf(src)
  testpath = File.join(tmp, "test")
  FileUtils.mkdir_p(testpath)
  Dir.chdir(testpath) { formula.instance_exec(&klass.test_block) }
  puts "formula-check: install and test passed (#{formula.assertions} assertions)"
end
