package worker

import "syscall"

// dupOnto makes newfd a copy of oldfd (inherited by child processes).
func dupOnto(oldfd, newfd int) error { return syscall.Dup3(oldfd, newfd, 0) }
