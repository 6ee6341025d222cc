// Command guestinit is PID 1 of a Linux microVM instance. It mounts what a function needs,
// loads the kernel modules the image lists (a distribution kernel builds virtio as modules),
// brings up eth0 from the kernel's ip= parameter when the kernel did not (no CONFIG_IP_PNP),
// runs the function with the image's environment plus the per-instance one from the kernel
// command line, and powers the VM off when the function exits, so that the VMM exits too.
//
// Image layout it reads:
//
//	/etc/edgefaas/command   the function's argv, one argument per line
//	/etc/edgefaas/env       KEY=VALUE lines: the function's own environment
//	/etc/edgefaas/workdir   the directory the function runs in (default /tmp)
//	/etc/edgefaas/modules   kernel module paths, one per line, loaded in order (optional)
//	/etc/edgefaas/root      the block device holding the function's read-only ext4 root (optional;
//	                        without it the function runs from the initramfs itself)
//	/etc/edgefaas/nproc     how many processes and threads the function may have (optional)
//
// The function runs as nobody (65534), as in the platform's containers: the guest kernel is the
// tenant's, but a function that cannot write its root or raise its limits stays what it was deployed as.
//
// Per instance, the kernel passes unknown KEY=VALUE parameters of its command line to init as
// environment: EDGEFAAS_CALLBACK_URL, EDGEFAAS_INSTANCE_ID, PORT and ip= arrive that way.
package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"
)

const (
	configDir    = "/etc/edgefaas/"
	functionRoot = "/rootfs"
	nobody       = 65534
	// RLIMIT_NPROC on Linux; Go's syscall package has no name for it.
	rlimitNproc = 6
	// finit_module(2) on x86-64; Go's syscall package predates it.
	sysFinitModule = 313
)

func main() {
	mountFilesystems()
	loadModules(configDir + "modules")
	if spec := os.Getenv("ip"); spec != "" {
		if err := configureNetwork(spec); err != nil {
			logf("network: %v", err)
			powerOff(1)
		}
	}
	bringUp("lo")
	root := ""
	if device := lines(configDir + "root"); len(device) == 1 {
		root = functionRoot
		if err := mountFunctionRoot(device[0], root); err != nil {
			logf("root file system: %v", err)
			powerOff(1)
		}
	}
	os.Exit(runFunction(root))
}

// mountFunctionRoot mounts the function's image read-only, with the kernel file systems and a
// private /tmp inside it, as a container runtime would.
func mountFunctionRoot(device, target string) error {
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := os.Stat(device); err == nil {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no device %s: is virtio_blk loaded?", device)
		}
		time.Sleep(10 * time.Millisecond)
	}
	_ = os.MkdirAll(target, 0o755)
	if err := syscall.Mount(device, target, "ext4", syscall.MS_RDONLY, ""); err != nil {
		return fmt.Errorf("mount %s: %v", device, err)
	}
	for _, m := range []struct{ source, target, fstype string }{
		{"proc", "/proc", "proc"}, {"sysfs", "/sys", "sysfs"}, {"devtmpfs", "/dev", "devtmpfs"}, {"tmpfs", "/tmp", "tmpfs"},
	} {
		data := ""
		if m.fstype == "tmpfs" {
			data = "mode=1777"
		}
		if err := syscall.Mount(m.source, target+m.target, m.fstype, 0, data); err != nil {
			return fmt.Errorf("mount %s%s: %v", target, m.target, err)
		}
	}
	return nil
}

func mountFilesystems() {
	mounts := []struct{ source, target, fstype string }{
		{"proc", "/proc", "proc"},
		{"sysfs", "/sys", "sysfs"},
		{"devtmpfs", "/dev", "devtmpfs"},
		{"tmpfs", "/tmp", "tmpfs"},
	}
	for _, m := range mounts {
		_ = os.MkdirAll(m.target, 0o755)
		// devtmpfs may already be mounted by the kernel (DEVTMPFS_MOUNT); EBUSY is fine.
		if err := syscall.Mount(m.source, m.target, m.fstype, 0, ""); err != nil && err != syscall.EBUSY {
			logf("mount %s: %v", m.target, err)
		}
	}
}

func loadModules(listFile string) {
	for _, path := range lines(listFile) {
		f, err := os.Open(path)
		if err != nil {
			logf("module %s: %v", path, err)
			continue
		}
		params := []byte{0}
		_, _, errno := syscall.Syscall(sysFinitModule, f.Fd(), uintptr(unsafe.Pointer(&params[0])), 0)
		f.Close()
		if errno != 0 && errno != syscall.EEXIST {
			logf("module %s: %v", path, errno)
		}
	}
}

// configureNetwork applies the kernel's ip=CLIENT::GATEWAY:NETMASK::DEVICE:off form. The guest
// talks only to the host end of its point-to-point link, so no route beyond the link is added.
func configureNetwork(spec string) error {
	fields := strings.Split(spec, ":")
	if len(fields) < 6 {
		return fmt.Errorf("ip=%s: want CLIENT::GATEWAY:NETMASK::DEVICE:off", spec)
	}
	address, netmask, device := net.ParseIP(fields[0]).To4(), net.ParseIP(fields[3]).To4(), fields[5]
	if address == nil || netmask == nil || device == "" {
		return fmt.Errorf("ip=%s: bad address, netmask or device", spec)
	}
	// The device appears once virtio_net has probed it, which may trail the module load.
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := net.InterfaceByName(device); err == nil {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no device %s: is virtio_net loaded?", device)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := setAddress(device, syscall.SIOCSIFADDR, address); err != nil {
		return err
	}
	if err := setAddress(device, syscall.SIOCSIFNETMASK, netmask); err != nil {
		return err
	}
	return bringUp(device)
}

type ifreqAddr struct {
	name [syscall.IFNAMSIZ]byte
	addr syscall.RawSockaddrInet4
	_    [8]byte
}

type ifreqFlags struct {
	name  [syscall.IFNAMSIZ]byte
	flags uint16
	_     [22]byte
}

func setAddress(device string, request uintptr, ip net.IP) error {
	var req ifreqAddr
	copy(req.name[:], device)
	req.addr.Family = syscall.AF_INET
	copy(req.addr.Addr[:], ip)
	return ioctl(request, unsafe.Pointer(&req))
}

func bringUp(device string) error {
	var req ifreqFlags
	copy(req.name[:], device)
	if err := ioctl(syscall.SIOCGIFFLAGS, unsafe.Pointer(&req)); err != nil {
		return err
	}
	req.flags |= syscall.IFF_UP | syscall.IFF_RUNNING
	return ioctl(syscall.SIOCSIFFLAGS, unsafe.Pointer(&req))
}

func ioctl(request uintptr, arg unsafe.Pointer) error {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM, 0)
	if err != nil {
		return err
	}
	defer syscall.Close(fd)
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), request, uintptr(arg)); errno != 0 {
		return errno
	}
	return nil
}

// runFunction starts the function, reaps every orphan while it runs (init's duty) and powers
// off with its status when it exits.
func runFunction(root string) int {
	argv := lines(configDir + "command")
	if len(argv) == 0 {
		logf("no command in %scommand", configDir)
		powerOff(1)
	}
	env := append(lines(configDir+"env"), instanceEnvironment()...)
	argv = expandPlaceholders(argv, env)
	argv[0] = programInRoot(root, argv[0], env)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	cmd.Dir = "/tmp"
	if dir := lines(configDir + "workdir"); len(dir) == 1 {
		cmd.Dir = dir[0]
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: root, Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	if limit := lines(configDir + "nproc"); len(limit) == 1 {
		// Inherited by the function; RLIMIT_NPROC binds it because it is not root.
		if n, err := strconv.ParseUint(limit[0], 10, 64); err == nil {
			if err := syscall.Setrlimit(rlimitNproc, &syscall.Rlimit{Cur: n, Max: n}); err != nil {
				logf("nproc limit: %v", err)
			}
		}
	}
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		logf("start %s: %v", argv[0], err)
		powerOff(1)
	}
	status := 0
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, 0, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil || pid == cmd.Process.Pid {
			status = ws.ExitStatus()
			if ws.Signaled() {
				status = 128 + int(ws.Signal())
			}
			break
		}
	}
	logf("function exited with status %d", status)
	powerOff(status)
	return status
}

// expandPlaceholders fills in {callback}, {port} and {host} of the manifest's command and args
// from the instance's environment, as the platform does on the host for the other sandboxes.
func expandPlaceholders(argv []string, env []string) []string {
	values := map[string]string{}
	for _, kv := range env {
		if i := strings.IndexByte(kv, '='); i > 0 {
			values[kv[:i]] = kv[i+1:]
		}
	}
	replacer := strings.NewReplacer("{callback}", values["EDGEFAAS_CALLBACK_URL"], "{port}", values["PORT"],
		"{host}", values["HOST"])
	expanded := make([]string, len(argv))
	for i, arg := range argv {
		expanded[i] = replacer.Replace(arg)
	}
	return expanded
}

// programInRoot finds a bare program name (a manifest's own command, "node" say) on the function's
// PATH inside its root, as a shell in there would; exec's own lookup would search init's root.
func programInRoot(root, name string, env []string) string {
	if strings.Contains(name, "/") {
		return name
	}
	path := "/usr/local/bin:/usr/bin:/bin"
	for _, kv := range env {
		if strings.HasPrefix(kv, "PATH=") {
			path = kv[len("PATH="):]
		}
	}
	for _, dir := range strings.Split(path, ":") {
		candidate := dir + "/" + name
		if info, err := os.Stat(root + candidate); err == nil && !info.IsDir() && info.Mode()&0o111 != 0 {
			return candidate
		}
	}
	logf("command %s is not on PATH (%s) in the function's root", name, path)
	return name
}

// instanceEnvironment is what the kernel command line gave init, less the kernel's own variables.
func instanceEnvironment() []string {
	var env []string
	for _, kv := range os.Environ() {
		key := kv[:strings.IndexByte(kv, '=')]
		switch key {
		case "ip", "HOME", "TERM", "BOOT_IMAGE":
			continue
		}
		env = append(env, kv)
	}
	return env
}

func powerOff(status int) {
	syscall.Sync()
	// With reboot=t and QEMU's -no-reboot (Firecracker: always), a restart ends the VMM: no
	// ACPI is needed, which a microVM may not have.
	_ = syscall.Reboot(syscall.LINUX_REBOOT_CMD_RESTART)
	os.Exit(status)
}

func lines(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		if line := scanner.Text(); line != "" {
			out = append(out, line)
		}
	}
	return out
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "edgefaas-init: "+format+"\n", args...)
}
